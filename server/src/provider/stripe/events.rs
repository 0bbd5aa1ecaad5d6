//! Stripe's webhook events as Portico events: the subscription, invoice and
//! payment-method events the portal cares about, under provider-neutral names.
//! Pure: the HTTP handler verifies the signature and the store de-duplicates.

use super::objects::Event;
use crate::provider::PorticoEvent;

/// Portico's name for a Stripe event type; `None` for the ones it ignores.
pub fn portico_kind(stripe_type: &str) -> Option<&'static str> {
    Some(match stripe_type {
        "customer.subscription.created" => "subscription.created",
        "customer.subscription.updated" => "subscription.updated",
        "customer.subscription.deleted" => "subscription.canceled",
        "customer.subscription.trial_will_end" => "subscription.trial_will_end",
        "invoice.created" => "invoice.created",
        "invoice.finalized" => "invoice.finalized",
        "invoice.paid" | "invoice.payment_succeeded" => "invoice.paid",
        "invoice.payment_failed" => "invoice.payment_failed",
        "invoice.voided" => "invoice.voided",
        "invoice.marked_uncollectible" => "invoice.uncollectible",
        "payment_method.attached" => "payment_method.attached",
        "payment_method.detached" => "payment_method.detached",
        "payment_method.updated" | "payment_method.automatically_updated" => {
            "payment_method.updated"
        }
        _ => return None,
    })
}

/// Whether a Stripe event changes what the catalog offers: a product's or a
/// price's (or, at localstripe, a plan's) creation, update or deletion.
pub fn changes_catalog(stripe_type: &str) -> bool {
    let Some((object, action)) = stripe_type.split_once('.') else {
        return false;
    };
    matches!(object, "product" | "price" | "plan")
        && matches!(action, "created" | "updated" | "deleted")
}

/// The Portico event for `event`, if it is one Portico records.
pub fn translate(event: &Event) -> Option<PorticoEvent> {
    let kind = portico_kind(&event.kind)?;
    let object = &event.data.object;
    let object_id = object.get("id")?.as_str()?.to_owned();
    let customer = object.get("customer").and_then(|c| match c {
        serde_json::Value::String(id) => Some(id.clone()),
        other => other.get("id")?.as_str().map(str::to_owned),
    });
    Some(PorticoEvent {
        id: event.id.clone(),
        kind,
        source_type: event.kind.clone(),
        object_id,
        customer,
        livemode: event.livemode,
        created: event.created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, object: serde_json::Value) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": "evt_1", "type": kind, "created": 1_767_225_600, "livemode": false,
            "data": {"object": object}
        }))
        .unwrap()
    }

    #[test]
    fn product_price_and_plan_events_change_the_catalog() {
        for kind in [
            "product.created",
            "price.updated",
            "plan.deleted",
            "product.deleted",
        ] {
            assert!(changes_catalog(kind), "{kind}");
        }
        for kind in [
            "customer.updated",
            "invoice.created",
            "price",
            "product.unknown",
        ] {
            assert!(!changes_catalog(kind), "{kind}");
        }
    }

    #[test]
    fn subscription_invoice_and_card_events_translate() {
        let e = translate(&event(
            "customer.subscription.deleted",
            serde_json::json!({"id": "sub_1", "customer": "cus_1"}),
        ))
        .unwrap();
        assert_eq!(
            (e.kind, e.object_id.as_str(), e.customer.as_deref()),
            ("subscription.canceled", "sub_1", Some("cus_1"))
        );
        let e = translate(&event(
            "invoice.payment_succeeded",
            serde_json::json!({"id": "in_1", "customer": "cus_1"}),
        ))
        .unwrap();
        assert_eq!(e.kind, "invoice.paid");
        let e = translate(&event(
            "payment_method.attached",
            serde_json::json!({"id": "pm_1", "customer": {"id": "cus_2"}}),
        ))
        .unwrap();
        assert_eq!(
            (e.kind, e.customer.as_deref()),
            ("payment_method.attached", Some("cus_2"))
        );
    }

    #[test]
    fn other_events_are_ignored() {
        assert!(
            translate(&event(
                "balance.available",
                serde_json::json!({"id": "bal"})
            ))
            .is_none()
        );
        assert!(translate(&event("invoice.paid", serde_json::json!({}))).is_none());
    }
}
