use crate::helpers::{TestApp, spawn_app};

/// The build version the served loader carries (its first string literal).
async fn served_version(app: &TestApp) -> String {
    let loader = app
        .client
        .get(app.url("/portico.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    loader.split('"').nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn loader_is_versioned_compressed_and_revalidated() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/portico.js"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert_eq!(headers["vary"], "Accept-Encoding");
    let etag = headers["etag"].to_str().unwrap().to_owned();

    let plain = app.client.get(app.url("/portico.js")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let body = plain.text().await.unwrap();
    assert!(
        !body.contains("__PORTICO_VERSION__"),
        "the version is filled in: {body}"
    );

    let again = app
        .client
        .get(app.url("/portico.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn wasm_has_its_type_cors_and_immutable_caching_when_versioned() {
    let app = spawn_app().await;
    let version = served_version(&app).await;

    let wasm = app
        .client
        .get(app.url(&format!("/assets/portico-widget_bg.wasm?v={version}")))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(&wasm.bytes().await.unwrap()[..4], b"\0asm");

    let stale = app
        .client
        .get(app.url("/assets/portico.css?v=old"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.headers()["cache-control"], "no-cache");
    assert_eq!(stale.headers()["content-encoding"], "gzip");
    assert_eq!(stale.headers()["content-type"], "text/css; charset=utf-8");

    let missing = app
        .client
        .get(app.url("/assets/secrets.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_build_is_served_from_its_version_directory_with_its_split_modules() {
    let app = spawn_app().await;
    let version = served_version(&app).await;
    let get = |path: String| {
        let request = app.client.get(app.url(&path));
        async move { request.send().await.unwrap() }
    };

    let module = get(format!("/assets/v/{version}/split_usage.wasm")).await;
    assert_eq!(module.status(), 200);
    assert_eq!(module.headers()["content-type"], "application/wasm");
    assert_eq!(
        module.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(&module.bytes().await.unwrap()[..], b"\0asm\x01\0\0\0usage");

    let split_loader = get(format!("/assets/v/{version}/__wasm_split.js")).await;
    assert_eq!(split_loader.status(), 200);
    assert_eq!(
        split_loader.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );

    // Another build's directory gets today's files, revalidated, never cached for good.
    let other = get("/assets/v/0000000000000000/portico-widget.js".to_owned()).await;
    assert_eq!(other.status(), 200);
    assert_eq!(other.headers()["cache-control"], "no-cache");

    for missing in [
        format!("/assets/v/{version}/notes.txt"),
        format!("/assets/v/{version}/portico.js"),
        format!("/assets/v/{version}/split_other.wasm"),
    ] {
        assert_eq!(get(missing.clone()).await.status(), 404, "{missing}");
    }
}
