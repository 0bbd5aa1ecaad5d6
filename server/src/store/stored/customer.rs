//! `customers.address` and `customers.tax_id`: the billing details a customer edits.

use portico_wire::customer::{Address, TaxId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredAddress {
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredTaxId {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

impl From<&Address> for StoredAddress {
    fn from(address: &Address) -> Self {
        let Address {
            line1,
            line2,
            city,
            state,
            postal_code,
            country,
        } = address.clone();
        Self {
            line1,
            line2,
            city,
            state,
            postal_code,
            country,
        }
    }
}

impl From<StoredAddress> for Address {
    fn from(address: StoredAddress) -> Self {
        Self {
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            state: address.state,
            postal_code: address.postal_code,
            country: address.country,
        }
    }
}

impl From<&TaxId> for StoredTaxId {
    fn from(tax_id: &TaxId) -> Self {
        let TaxId { kind, value } = tax_id.clone();
        Self { kind, value }
    }
}

impl From<StoredTaxId> for TaxId {
    fn from(tax_id: StoredTaxId) -> Self {
        Self {
            kind: tax_id.kind,
            value: tax_id.value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn address_round_trip(json: Value) -> Address {
        let stored: StoredAddress = serde_json::from_value(json.clone()).unwrap();
        let address = Address::from(stored);
        let written = serde_json::to_value(StoredAddress::from(&address)).unwrap();
        assert_eq!(written, json);
        address
    }

    #[test]
    fn an_address_is_stored_as_today() {
        let address = address_round_trip(json!({
            "line1": "1 Rue de Rivoli",
            "line2": null,
            "city": "Paris",
            "state": null,
            "postal_code": "75001",
            "country": "FR",
        }));
        assert_eq!(address.city.as_deref(), Some("Paris"));
        assert_eq!(address.line2, None);
        address_round_trip(json!({
            "line1": null,
            "line2": null,
            "city": null,
            "state": null,
            "postal_code": null,
            "country": null,
        }));
    }

    #[test]
    fn a_tax_id_is_stored_as_today() {
        let json = json!({"type": "eu_vat", "value": "FR40303265045"});
        let stored: StoredTaxId = serde_json::from_value(json.clone()).unwrap();
        let tax_id = TaxId::from(stored);
        assert_eq!(tax_id.kind, "eu_vat");
        assert_eq!(tax_id.value, "FR40303265045");
        let written = serde_json::to_value(StoredTaxId::from(&tax_id)).unwrap();
        assert_eq!(written, json);
    }
}
