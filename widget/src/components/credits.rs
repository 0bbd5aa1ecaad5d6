//! The customer's prepaid credits: per wallet, the balance, its worth and status,
//! and every transaction in a table.

use super::Portal;
use super::chunks;
use crate::credits_view::{WalletSummary, wallet_summary};
use leptos::prelude::*;
use leptos::task::spawn_local;

impl Portal {
    /// Whether the customer has a wallet (tracked: views that read it update).
    pub(super) fn has_wallet(self) -> bool {
        self.wallets
            .with(|w| w.as_ref().is_some_and(|w| !w.is_empty()))
    }

    /// Loads the customer's wallets in the background; the Credits section shows
    /// once they have one. The reading (and the wallets' deserializer) is in an
    /// on-demand module: a customer without credits never needs the views.
    pub(super) fn load_wallets(self) {
        spawn_local(async move {
            if chunks::wallets_data(self, false).await.is_err() {
                self.report_missing_part();
            }
        });
    }

    /// Reads the wallets again in the background (new grants, expiries): quietly,
    /// as the next refresh tries again.
    pub(super) fn refresh_wallets(self) {
        spawn_local(async move {
            let _ = chunks::wallets_data(self, true).await;
        });
    }

    /// [`Self::load_wallets`], from the module that holds it.
    pub(super) fn read_wallets(self) {
        spawn_local(async move {
            match self
                .authed(|client, token| async move { client.wallets(&token).await })
                .await
            {
                Ok(wallets) => {
                    self.wallets.try_set(Some(wallets));
                }
                Err(error) => {
                    self.report(&error);
                    self.remember(move || {
                        self.action_error.set(None);
                        self.load_wallets();
                    });
                    self.action_error.try_set(Some(error));
                }
            }
        });
    }

    /// [`Self::refresh_wallets`], from the module that holds it.
    pub(super) fn reread_wallets(self) {
        spawn_local(async move {
            if let Ok(wallets) = self
                .authed(|client, token| async move { client.wallets(&token).await })
                .await
            {
                self.wallets.try_set(Some(wallets));
            }
        });
    }

    /// Reloads the wallets after an action, if the customer has any: an invoice
    /// may have drawn on them.
    pub(super) fn reload_wallets(self) {
        if self
            .wallets
            .with_untracked(|w| w.as_ref().is_some_and(|w| !w.is_empty()))
        {
            self.load_wallets();
        }
    }
}

/// Shown only once the customer has a wallet.
#[component]
pub fn Credits(portal: Portal) -> impl IntoView {
    let t = portal.t();
    let wallets = move || {
        let invoices = portal.invoices.get().unwrap_or_default();
        portal
            .wallets
            .get()
            .unwrap_or_default()
            .iter()
            .map(|wallet| wallet_summary(wallet, &invoices, portal.locale))
            .collect::<Vec<_>>()
    };
    let any = move || portal.has_wallet();
    view! {
        <Show when=any>
            <section class="portico-section" data-testid="credits" aria-labelledby="portico-credits-title">
                <h3 id="portico-credits-title">{t.credits}</h3>
                {move || wallets().into_iter().map(|summary| view! { <WalletView portal=portal summary=summary /> }).collect_view()}
            </section>
        </Show>
    }
}

#[component]
fn WalletView(portal: Portal, summary: WalletSummary) -> impl IntoView {
    let t = portal.t();
    let caption_id = format!("portico-credits-{}", summary.id);
    let labelled_by = caption_id.clone();
    let empty = summary.transactions.is_empty();
    let rows = summary
        .transactions
        .into_iter()
        .map(|row| {
            view! {
                <tr data-testid="credit-transaction" data-id=row.id>
                    <td data-testid="tx-date">{row.date}</td>
                    <td>
                        <span class=format!("portico-status portico-status-{}", row.tone) data-testid="tx-type">{row.kind}</span>
                        " "
                        <span data-testid="tx-reason">{row.reason}</span>
                        {row.description.map(|d| view! { <span class="portico-tx-description" data-testid="tx-description">{d}</span> })}
                    </td>
                    <td class="portico-num" data-testid="tx-credits">{row.credits}</td>
                    <td class="portico-num" data-testid="tx-amount">{row.amount}</td>
                    <td data-testid="tx-expires">{row.expires}</td>
                    <td class="portico-num" data-testid="tx-priority">{row.priority}</td>
                    <td data-testid="tx-invoice">{row.invoice}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="portico-wallet" data-testid="wallet" data-currency=summary.currency>
            <dl class="portico-wallet-summary">
                <div>
                    <dt>{t.credit_balance}</dt>
                    <dd data-testid="wallet-balance">{summary.balance}</dd>
                </div>
                <div>
                    <dt>{t.credit_value}</dt>
                    <dd data-testid="wallet-value">{summary.value}</dd>
                </div>
                <div>
                    <dt>{t.status}</dt>
                    <dd><span class=format!("portico-status portico-status-{}", summary.tone) data-testid="wallet-status">{summary.status}</span></dd>
                </div>
            </dl>
            <p class="portico-wallet-rate" data-testid="wallet-rate">{summary.rate}</p>
            {if empty {
                view! { <p data-testid="no-transactions">{t.no_transactions}</p> }.into_any()
            } else {
                view! {
                    // Seven columns do not fit a phone: the table scrolls inside its own
                    // region, which the keyboard can reach.
                    <div class="portico-table-scroll" role="region" tabindex="0" aria-labelledby=labelled_by>
                        <table class="portico-invoices portico-transactions" data-testid="credit-transactions">
                            <caption id=caption_id>{summary.caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t.date}</th>
                                    <th scope="col">{t.transaction}</th>
                                    <th scope="col" class="portico-num">{t.credits_column}</th>
                                    <th scope="col" class="portico-num">{t.amount}</th>
                                    <th scope="col">{t.expires}</th>
                                    <th scope="col" class="portico-num">{t.priority}</th>
                                    <th scope="col">{t.invoice}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </div>
    }
}

/// The Overview's word on credits: each wallet's balance and worth, and the way to
/// the Credits tab.
#[component]
pub fn WalletBalances(portal: Portal) -> impl IntoView {
    let t = portal.t();
    let wallets = move || {
        portal
            .wallets
            .get()
            .unwrap_or_default()
            .iter()
            .map(|wallet| wallet_summary(wallet, &[], portal.locale))
            .collect::<Vec<_>>()
    };
    let any = move || portal.has_wallet();
    view! {
        <Show when=any>
            <section class="portico-section" data-testid="wallet-balances" aria-labelledby="portico-balances-title">
                <h3 id="portico-balances-title">{t.credits}</h3>
                <dl class="portico-wallet-summary">
                    {move || wallets().into_iter().map(|summary| view! {
                        <div data-testid="wallet-balance-line">
                            <dt>{summary.balance}</dt>
                            <dd>{summary.value}</dd>
                        </div>
                    }).collect_view()}
                </dl>
                <button type="button" class="portico-button portico-button-secondary" data-testid="view-credits"
                    on:click=move |_| portal.select_tab(super::tabs::Tab::Credits)>
                    {t.view_credits}
                </button>
            </section>
        </Show>
    }
}
