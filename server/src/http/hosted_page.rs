//! The hosted portal's HTML: the page around the widget, and the notice pages.
//! Every interpolated value is escaped; the embed config is JSON that cannot end
//! its script element.

pub struct Page<'a> {
    pub nonce: &'a str,
    pub lang: &'a str,
    pub headline: Option<&'a str>,
    pub return_url: Option<&'a str>,
    pub privacy_policy_url: Option<&'a str>,
    pub terms_of_service_url: Option<&'a str>,
    pub embed: &'a serde_json::Value,
}

const STYLE: &str = "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
background:#f5f6f8;color:#1b1f24}header,footer{max-width:760px;margin:0 auto;padding:16px}\
header a,footer a{color:#3d4a5c}main{max-width:760px;margin:0 auto;padding:0 16px 32px}\
h1{font-size:1.5rem;margin:8px 0 20px}footer{font-size:.875rem;display:flex;gap:16px}\
.notice{max-width:520px;margin:15vh auto;padding:32px;background:#fff;border-radius:12px;\
box-shadow:0 1px 3px rgba(0,0,0,.12)}.notice h1{margin-top:0}\
@media (prefers-color-scheme:dark){body{background:#14171b;color:#e6e9ed}header a,footer a{color:#b5c0cf}\
.notice{background:#1e2227}}";

pub fn page(page: &Page<'_>) -> String {
    let nonce = escape(page.nonce);
    let title = escape(page.headline.unwrap_or("Billing"));
    let back = page
        .return_url
        .map(|url| {
            format!(
                r#"<header><a href="{}" data-testid="return-link">&larr; Return to {}</a></header>"#,
                escape(url),
                escape(&site_of(url))
            )
        })
        .unwrap_or_else(|| "<header></header>".to_owned());
    let headline = page
        .headline
        .map(|h| format!(r#"<h1 data-testid="headline">{}</h1>"#, escape(h)))
        .unwrap_or_default();
    let links: Vec<String> = [
        (page.privacy_policy_url, "privacy-link", "Privacy policy"),
        (page.terms_of_service_url, "terms-link", "Terms of service"),
    ]
    .into_iter()
    .filter_map(|(url, id, text)| {
        url.map(|url| format!(r#"<a href="{}" data-testid="{id}">{text}</a>"#, escape(url)))
    })
    .collect();
    // `<` as `\u003c`: no `</script>` can end the element early.
    let embed = page.embed.to_string().replace('<', "\\u003c");
    format!(
        r##"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style nonce="{nonce}">{STYLE}</style>
</head>
<body>
{back}
<main>
{headline}
<div id="portico-embed" data-testid="hosted-portal"></div>
</main>
<footer>{links}</footer>
<script src="/portico.js" nonce="{nonce}"></script>
<script nonce="{nonce}">Portico.customerPortal("#portico-embed", {embed});</script>
</body>
</html>
"##,
        lang = escape(page.lang),
        links = links.join(""),
    )
}

pub fn notice(nonce: &str, title: &str, body: &str) -> String {
    notice_page(nonce, title, &escape(body), "")
}

/// The step between a login link and the portal: the session cookie is
/// `SameSite=Strict`, which a browser leaves off a redirect that a click on another
/// site began, so this page (on our origin) starts the navigation itself.
pub fn continue_to_portal(nonce: &str) -> String {
    let script = format!(
        "<script nonce=\"{}\">location.replace(\"/p/portal\");</script>\n",
        escape(nonce)
    );
    notice_page(
        nonce,
        "Opening billing…",
        r#"<a href="/p/portal">Continue to billing</a>"#,
        &script,
    )
}

/// A page with one message: `paragraph` is HTML (escaped by the caller), `after`
/// goes at the end of the body.
fn notice_page(nonce: &str, title: &str, paragraph: &str, after: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style nonce="{nonce}">{STYLE}</style>
</head>
<body>
<main class="notice" data-testid="portal-notice">
<h1>{title}</h1>
<p>{paragraph}</p>
</main>
{after}</body>
</html>
"#,
        nonce = escape(nonce),
        title = escape(title),
    )
}

/// `https://app.example.com/account` → `app.example.com`.
fn site_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_interpolated_is_escaped() {
        let embed = serde_json::json!({"session": "pst_x", "locale": "</script><script>alert(1)"});
        let html = page(&Page {
            nonce: "n0",
            lang: "en",
            headline: Some("<b>Acme</b> & co"),
            return_url: Some("https://acme.test/\"onmouseover=\"x"),
            privacy_policy_url: None,
            terms_of_service_url: Some("https://acme.test/terms"),
            embed: &embed,
        });
        assert!(html.contains("&lt;b&gt;Acme&lt;/b&gt; &amp; co"));
        assert!(html.contains("&quot;onmouseover=&quot;x"));
        assert!(html.contains("Return to acme.test"));
        assert!(!html.contains("</script><script>alert"));
        assert!(html.contains(r#"data-testid="terms-link""#));
        assert!(!html.contains("privacy-link"));
    }
}
