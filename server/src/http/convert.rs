//! Engine and store types to wire types. The only place they meet.

use crate::billing::Status;
use crate::catalog::{Plan, Service};
use crate::store::{CustomerRow, SubscriptionRow};
use portico_wire::embed::{self as wire, SubscriptionStatus};

pub fn plan(plan: &Plan) -> wire::Plan {
    wire::Plan {
        id: plan.id.clone(),
        name: plan.name.clone(),
        description: plan.description.clone(),
        currency: plan.currency.clone(),
        interval: plan.interval,
        interval_count: plan.interval_count,
        trial_days: plan.trial_days,
        features: plan.features.clone(),
        items: plan
            .items
            .iter()
            .map(|item| wire::PlanItem {
                product: item.product.id.clone(),
                product_name: item.product.name.clone(),
                unit_label: item.product.unit_label.clone(),
                price: item.price.clone(),
            })
            .collect(),
    }
}

pub fn service(service: &Service) -> wire::Service {
    wire::Service {
        name: service.name.to_string(),
        livemode: service.mode.is_live(),
    }
}

pub fn customer(row: &CustomerRow) -> wire::Customer {
    wire::Customer {
        id: row.id(),
        object: "customer".to_owned(),
        email: row.email.clone(),
        external_id: row.external_id.clone(),
        name: row.name.clone(),
        created: row.created,
        livemode: row.livemode,
    }
}

fn status(status: Status) -> SubscriptionStatus {
    match status {
        Status::Trialing => SubscriptionStatus::Trialing,
        Status::Active => SubscriptionStatus::Active,
        Status::PastDue => SubscriptionStatus::PastDue,
        Status::Canceled => SubscriptionStatus::Canceled,
        Status::Incomplete => SubscriptionStatus::Incomplete,
    }
}

pub fn subscription(row: &SubscriptionRow, customer: &CustomerRow) -> wire::Subscription {
    wire::Subscription {
        id: row.id.clone(),
        object: "subscription".to_owned(),
        customer: customer.id(),
        service: row.service.clone(),
        plan: row.plan.clone(),
        status: status(row.status),
        currency: row.currency.clone(),
        items: row
            .items
            .iter()
            .map(|item| wire::SubscriptionItem {
                id: item.id.clone(),
                product: item.product.clone(),
                unit_label: item.unit_label.clone(),
                quantity: item.quantity,
                price: item.price.clone(),
            })
            .collect(),
        current_period_start: row.current_period_start,
        current_period_end: row.current_period_end,
        trial_end: row.trial_end,
        cancel_at_period_end: row.cancel_at_period_end,
        created: row.created,
        livemode: row.livemode,
    }
}
