//! Stripe-style request parameters: a body form-encoded in bracket notation
//! (`features[invoice_history][enabled]=true`) or JSON, and a query string in the
//! same notation. Both become one JSON tree, then the typed parameters; an error
//! names the parameter at fault the way Stripe writes it (`features[foo][bar]`).
#![warn(clippy::arithmetic_side_effects)]

use super::{ApiContext, AppError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use portico_wire::ErrorCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Typed parameters from a form-encoded or JSON body.
#[derive(Debug)]
pub struct Params<T>(pub T);

/// Typed parameters from the query string.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest<ApiContext> for Params<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, ctx: &ApiContext) -> Result<Self, AppError> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/x-www-form-urlencoded")
            .to_ascii_lowercase();
        let body = Bytes::from_request(request, ctx)
            .await
            .map_err(|e| AppError::bad_request(ErrorCode::InvalidRequest, e.body_text()))?;
        let tree = if content_type.starts_with("application/json") {
            if body.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else {
                serde_json::from_slice(&body).map_err(|e| {
                    AppError::bad_request(
                        ErrorCode::InvalidRequest,
                        format!("The JSON body could not be parsed: {e}."),
                    )
                })?
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            parse_form(&body)?
        } else {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!(
                    "Unsupported Content-Type `{content_type}`: send `application/x-www-form-urlencoded` or `application/json`."
                ),
            ));
        };
        typed(tree).map(Self)
    }
}

impl<T: DeserializeOwned> FromRequestParts<ApiContext> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &ApiContext) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        typed(parse_form(query.as_bytes())?).map(Self)
    }
}

/// Deserializes the tree, naming the parameter at fault on failure.
pub fn typed<T: DeserializeOwned>(tree: Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(tree).map_err(|error| {
        let mut param = bracketed(error.path());
        let message = error.inner().to_string();
        if let Some(field) = quoted_after(&message, "unknown field `") {
            // The path already ends at the unknown key.
            if !(param == field || param.ends_with(&format!("[{field}]"))) {
                param = join(&param, field);
            }
            return AppError::bad_request(
                ErrorCode::ParameterUnknown,
                format!("Received unknown parameter: {param}."),
            )
            .param(param);
        }
        if let Some(field) = quoted_after(&message, "missing field `") {
            param = join(&param, field);
            return AppError::bad_request(
                ErrorCode::ParameterMissing,
                format!("Missing required param: {param}."),
            )
            .param(param);
        }
        AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!("Invalid `{param}`: {message}."),
        )
        .param(param)
    })
}

fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(marker)?;
    rest.split('`').next()
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() || parent == "." {
        child.to_owned()
    } else {
        format!("{parent}[{child}]")
    }
}

/// `features.subscription_update.products[0]` as Stripe writes it:
/// `features[subscription_update][products][0]`.
fn bracketed(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let name = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        out = join(&out, &name);
    }
    out
}

/// How deep brackets may nest: Portico's deepest parameter,
/// `features[subscription_update][products][0][prices][0]`, has five.
const MAX_DEPTH: usize = 8;
/// The largest array index, and the most parameters one request may carry.
const MAX_INDEX: usize = 999;
const MAX_KEYS: usize = 2_000;

/// Parses `a[b][0]=x&a[b][1]=y&c=` into `{"a": {"b": ["x", "y"]}, "c": ""}`: named
/// keys make objects, `[]` and numeric indices make arrays, every value is a string.
/// Nesting, indices and the number of parameters are bounded (as Stripe bounds
/// them), so no body can exhaust the stack or the memory.
pub fn parse_form(input: &[u8]) -> Result<Value, AppError> {
    let mut root = Map::new();
    for (count, (key, value)) in form_urlencoded::parse(input).enumerate() {
        let name = || key.split('[').next().unwrap_or_default().to_owned();
        if count >= MAX_KEYS {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("A request may carry at most {MAX_KEYS} parameters."),
            )
            .param(name()));
        }
        if key.matches('[').count() > MAX_DEPTH {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("`{}` is nested more than {MAX_DEPTH} levels deep.", name()),
            )
            .param(name()));
        }
        let path = split_key(&key).ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("`{key}` is not a valid parameter name: write nested keys as `a[b][c]`."),
            )
            .param(key.to_string())
        })?;
        if path
            .iter()
            .any(|segment| segment.parse::<usize>().is_ok_and(|i| i > MAX_INDEX))
        {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("`{key}` has an index over {MAX_INDEX}."),
            )
            .param(key.to_string()));
        }
        insert(&mut root, &path, value.into_owned()).map_err(|()| {
            AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("`{key}` is given both as a value and as a hash."),
            )
            .param(key.to_string())
        })?;
    }
    Ok(arrays_from_indices(Value::Object(root)))
}

fn split_key(key: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return None;
    }
    let mut path = vec![head.to_owned()];
    while !rest.is_empty() {
        let (index, after) = rest.strip_prefix('[')?.split_once(']')?;
        path.push(index.to_owned());
        rest = after;
    }
    Some(path)
}

fn insert(map: &mut Map<String, Value>, path: &[String], value: String) -> Result<(), ()> {
    let (first, rest) = path.split_first().ok_or(())?;
    // `a[]=x&a[]=y`: each empty index is the next position.
    let key = if first.is_empty() {
        map.len().to_string()
    } else {
        first.clone()
    };
    if rest.is_empty() {
        return match map.get(&key) {
            Some(Value::Object(_)) => Err(()),
            _ => {
                map.insert(key, Value::String(value));
                Ok(())
            }
        };
    }
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    match child {
        Value::Object(child) => insert(child, rest, value),
        _ => Err(()),
    }
}

/// Objects whose keys are all indices become arrays, in index order.
fn arrays_from_indices(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let all_indices = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            let converted = map.into_iter().map(|(k, v)| (k, arrays_from_indices(v)));
            if all_indices {
                let mut items: Vec<(usize, Value)> = converted
                    .map(|(k, v)| (k.parse().unwrap_or(usize::MAX), v))
                    .collect();
                items.sort_by_key(|(index, _)| *index);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(converted.collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(input: &str) -> Value {
        parse_form(input.as_bytes()).unwrap()
    }

    #[test]
    fn bracket_notation_makes_objects_and_arrays() {
        assert_eq!(
            form(
                "features[invoice_history][enabled]=true&features[customer_update][allowed_updates][0]=email&features[customer_update][allowed_updates][1]=tax_id&metadata[plan]=gold&business_profile[headline]=Hi%20there&x[]=a&x[]=b"
            ),
            json!({
                "features": {
                    "invoice_history": {"enabled": "true"},
                    "customer_update": {"allowed_updates": ["email", "tax_id"]},
                },
                "metadata": {"plan": "gold"},
                "business_profile": {"headline": "Hi there"},
                "x": ["a", "b"],
            })
        );
        // Indices order the array even when sent out of order; 10 sorts after 2.
        assert_eq!(
            form("p[2]=c&p[10]=d&p[0]=a&p[1]=b"),
            json!({"p": ["a", "b", "c", "d"]})
        );
        assert_eq!(form("metadata="), json!({"metadata": ""}));
    }

    #[test]
    fn deep_nesting_huge_indices_and_floods_are_refused_naming_the_parameter() {
        // 200,000 levels overflowed the stack and aborted the server.
        let deep = format!("a{}=1", "[]".repeat(200_000));
        let refused = parse_form(deep.as_bytes()).unwrap_err();
        let (status, body) = refused.client_body().unwrap();
        assert_eq!(status, 400);
        assert_eq!(body.error.param.as_deref(), Some("a"));
        assert!(
            body.error.message.contains("nested more than 8"),
            "{}",
            body.error.message
        );
        // Portico's deepest real parameter still parses.
        assert!(parse_form(b"features[subscription_update][products][0][prices][0]=p").is_ok());

        let index = parse_form(b"items[1000000][price]=p").unwrap_err();
        assert_eq!(
            index.client_body().unwrap().1.error.param.as_deref(),
            Some("items[1000000][price]")
        );

        let flood: String = (0..=MAX_KEYS).map(|i| format!("k{i}=1&")).collect();
        let flooded = parse_form(flood.as_bytes()).unwrap_err();
        assert!(
            flooded
                .client_body()
                .unwrap()
                .1
                .error
                .message
                .contains("at most 2000")
        );
    }

    #[test]
    fn malformed_keys_and_conflicts_name_the_parameter() {
        for bad in ["a[b=1", "[x]=1", "a]b[=1", "a[b]c=1"] {
            assert!(parse_form(bad.as_bytes()).is_err(), "{bad}");
        }
        let conflict = parse_form(b"metadata[a]=1&metadata=").unwrap_err();
        let (_, body) = conflict.client_body().unwrap();
        assert_eq!(body.error.param.as_deref(), Some("metadata"));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        features: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        mode: Mode,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        AtPeriodEnd,
    }

    fn error_of(tree: Value) -> (ErrorCode, String, String) {
        let error = typed::<Outer>(tree).unwrap_err();
        let (_, body) = error.client_body().unwrap();
        (
            body.error.code,
            body.error.param.unwrap(),
            body.error.message,
        )
    }

    #[test]
    fn errors_name_the_parameter_in_brackets() {
        let (code, param, message) = error_of(
            json!({"features": {"items": [{"mode": "at_period_end"}, {"mode": "sometimes"}]}}),
        );
        assert_eq!(code, ErrorCode::InvalidRequest);
        assert_eq!(param, "features[items][1][mode]");
        assert!(
            message.contains("sometimes") && message.contains("at_period_end"),
            "{message}"
        );

        let (code, param, message) = error_of(json!({"features": {"items": [], "colour": "red"}}));
        assert_eq!(code, ErrorCode::ParameterUnknown);
        assert_eq!(param, "features[colour]");
        assert_eq!(message, "Received unknown parameter: features[colour].");

        let (code, param, _) = error_of(json!({"features": {}}));
        assert_eq!(code, ErrorCode::ParameterMissing);
        assert_eq!(param, "features[items]");
    }
}
