//! OpenAPI schemas for the wire types whose JSON is not their Rust shape
//! (they serialize through a string, an integer, or Stripe's flat price object).

use crate::money::Currency;
use crate::price::Price;
use crate::quantity::Quantity;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// The schema of an open enum (`open_enum!`): a string, one of the known values.
/// Derived, `Unknown` would appear as an object `{"unknown": …}`, which never
/// crosses the wire.
pub(crate) fn open_enum<T: serde::Serialize>(known: &[T]) -> RefOr<Schema> {
    let values: Vec<serde_json::Value> = known
        .iter()
        .filter_map(|value| serde_json::to_value(value).ok())
        .collect();
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(values))
        .description(Some(
            "An open set: a later Portico may add values, which clients should accept.",
        ))
        .into()
}

impl PartialSchema for Currency {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .pattern(Some("^[a-z]{3}$"))
            .description(Some(
                "A lowercase three-letter ISO 4217 code, as Stripe writes it.",
            ))
            .examples([serde_json::json!("usd")])
            .into()
    }
}

impl ToSchema for Currency {}

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Integer))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(Quantity::MAX))
            .into()
    }
}

impl ToSchema for Quantity {}

impl PartialSchema for Price {
    fn schema() -> RefOr<Schema> {
        let integer = || ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer));
        let tier = ObjectBuilder::new()
            .property(
                "up_to",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                    .description(Some("The tier's last quantity; `null` for the last tier.")),
            )
            .property("unit_amount", integer())
            .property("flat_amount", integer())
            .required("unit_amount")
            .required("flat_amount");
        ObjectBuilder::new()
            .description(Some(
                "Stripe's price shape: `per_unit` with `unit_amount`, or `tiered` with `tiers_mode` and `tiers`. Amounts in minor units.",
            ))
            .property(
                "billing_scheme",
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(["per_unit", "tiered"])),
            )
            .required("billing_scheme")
            .property("unit_amount", integer())
            .property(
                "tiers_mode",
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(["graduated", "volume"])),
            )
            .property(
                "tiers",
                utoipa::openapi::schema::ArrayBuilder::new().items(tier),
            )
            .into()
    }
}

impl ToSchema for Price {}
