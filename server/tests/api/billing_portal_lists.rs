//! Listing portal configurations: Stripe's cursors, filters and limits.

use crate::helpers::{TEST_KEY, TestApp, spawn_app};
use reqwest::Method;
use serde_json::Value;

const PATH: &str = "/v1/billing_portal/configurations";

async fn form(app: &TestApp, path: &str, body: &str) -> Value {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(TEST_KEY)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    ok(response).await
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn lists_page_through_250_configurations_both_ways() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for i in 0..250 {
        let active = if i % 5 == 0 { "false" } else { "true" };
        let body = format!("features[invoice_history][enabled]=true&metadata[n]={i}");
        let made = form(&app, PATH, &body).await;
        let id = made["id"].as_str().unwrap().to_owned();
        if active == "false" {
            form(&app, &format!("{PATH}/{id}"), "active=false").await;
        }
        created.push(id);
    }
    // Newest first, the default (created at start) last.
    let mut seen = Vec::new();
    let mut query = format!("{PATH}?limit=100");
    let mut pages = 0;
    loop {
        let page = ok(app.admin(TEST_KEY, Method::GET, &query, None).await).await;
        assert_eq!(page["object"], "list");
        assert_eq!(page["url"], PATH);
        let data = page["data"].as_array().unwrap();
        seen.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        pages += 1;
        if page["has_more"] == false {
            break;
        }
        query = format!("{PATH}?limit=100&starting_after={}", seen.last().unwrap());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 251);
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(&seen[..250], &newest_first[..]);
    // Backwards from the oldest created: the 10 just newer, in list order.
    let back = ok(app
        .admin(
            TEST_KEY,
            Method::GET,
            &format!("{PATH}?limit=10&ending_before={}", created[0]),
            None,
        )
        .await)
    .await;
    let ids: Vec<&str> = back["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = created[1..=10].iter().rev().map(String::as_str).collect();
    assert_eq!(ids, expected);
    assert_eq!(back["has_more"], true);
    // Filters.
    let inactive = ok(app
        .admin(
            TEST_KEY,
            Method::GET,
            &format!("{PATH}?active=false&limit=100"),
            None,
        )
        .await)
    .await;
    assert_eq!(inactive["data"].as_array().unwrap().len(), 50);
    assert!(
        inactive["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["active"] == false)
    );
    assert_eq!(inactive["has_more"], false);
    // Bad list parameters are named.
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("starting_after=bpc_nope", "starting_after"),
        ("colour=red", "colour"),
    ] {
        let response = app
            .admin(TEST_KEY, Method::GET, &format!("{PATH}?{query}"), None)
            .await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert!(status == 400 || status == 404, "{query}: {status}");
        assert_eq!(body["error"]["param"], param, "{query}");
    }
}
