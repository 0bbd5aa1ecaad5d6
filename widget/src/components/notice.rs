use crate::i18n::Locale;
use crate::view_model::error_title;
use leptos::prelude::*;
use portico_wire::ErrorCode;
use portico_wire::event::ErrorResponse;

/// An error that stops the portal, with a retry when retrying can help.
#[component]
pub fn ErrorNotice(error: ErrorResponse, locale: Locale, retry: Callback<()>) -> impl IntoView {
    let retryable = matches!(
        error.code,
        ErrorCode::NetworkError | ErrorCode::InternalError
    );
    view! {
        <div class="portico-error" role="alert" data-testid="error" data-code=error.code.to_string()>
            <strong class="portico-error-title">{error_title(&error.code, locale)}</strong>
            <p class="portico-error-message" data-testid="error-message">{error.message}</p>
            {retryable.then(|| view! {
                <button type="button" class="portico-button" data-testid="retry" on:click=move |_| retry.run(())>
                    {locale.text().try_again}
                </button>
            })}
        </div>
    }
}
