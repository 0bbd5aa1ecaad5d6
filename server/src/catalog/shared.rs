//! The catalog the server runs with, shared by every request and replaced
//! whole when a provider's plans change (Stripe's products and prices, on a
//! webhook or the periodic refresh). A request takes a snapshot
//! ([`SharedCatalog::current`]) and keeps it for its whole life, so it never
//! sees half a refresh.

use super::{Catalog, Plan};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

#[derive(Debug, Clone)]
pub struct SharedCatalog {
    current: Arc<RwLock<Arc<Catalog>>>,
    /// Held from reading the provider's plans to swapping them in, so a slow
    /// refresh cannot overwrite a newer one.
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl SharedCatalog {
    pub fn new(catalog: Catalog) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(catalog))),
            refreshing: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// One refresh at a time: hold the guard while reading and replacing.
    pub async fn refresh_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.refreshing.lock().await
    }

    /// The catalog as it is now.
    pub fn current(&self) -> Arc<Catalog> {
        // A poisoned lock only means a writer panicked between two whole
        // catalogs; the one inside is still whole.
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Gives each service the provider's plans for it. A service the provider
    /// now holds no plan for keeps its plans (a portal with no plan to offer
    /// would be worse than a stale one); the names of those are returned.
    pub fn replace_plans(&self, plans: &BTreeMap<String, Vec<Plan>>) -> Vec<String> {
        let mut next = Catalog::clone(&self.current());
        let plans = next.with_meters(plans);
        let mut kept = Vec::new();
        for service in next.services.values_mut() {
            match plans.get(service.name.as_str()) {
                Some(found) if !found.is_empty() => service.plans.clone_from(found),
                _ => kept.push(service.name.to_string()),
            }
        }
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        kept
    }
}

/// A provider's plans in place of the file's.
impl Catalog {
    /// Gives each service the plans a provider holds for it (Stripe's products
    /// marked with the service's name), in place of the file's.
    pub fn replace_plans(&mut self, plans: &BTreeMap<String, Vec<Plan>>) {
        let plans = self.with_meters(plans);
        for service in self.services.values_mut() {
            service.plans = plans
                .get(service.name.as_str())
                .cloned()
                .unwrap_or_default();
        }
    }

    /// A provider's plans with their metered prices' meters as this catalog
    /// defines them: a provider names a meter by its key only. A price for a
    /// meter the catalog does not define is left out, and logged.
    pub fn with_meters(&self, plans: &BTreeMap<String, Vec<Plan>>) -> BTreeMap<String, Vec<Plan>> {
        let mut plans = plans.clone();
        for plan in plans.values_mut().flatten() {
            let id = plan.id.clone();
            plan.metered.retain_mut(|metered| match self.meters.get(&metered.meter.key) {
                Some(meter) => {
                    metered.meter = meter.clone();
                    true
                }
                None => {
                    tracing::warn!(plan = %id, meter = %metered.meter.key, "a metered price for a meter the catalog does not define is left out");
                    false
                }
            });
        }
        plans
    }
}
