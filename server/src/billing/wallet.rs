//! Prepaid credits, pure: which grants an invoice draws from and which have
//! expired.
//!
//! Order of spending: the lowest `priority` first; among equals the grant that
//! expires soonest (never-expiring last), then the oldest. A grant is spendable
//! strictly before its expiry. An invoice takes the credits that pay it in full,
//! rounded up to the hundredth of a credit; a wallet too small for it gives all it
//! has, worth its value rounded down, and the card pays the rest.

use jiff::Timestamp;
use portico_wire::wallet::Credits;

/// A customer's wallet in one currency, with its grants that still hold credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// `wal_…`.
    pub id: String,
    /// Minor units one credit is worth.
    pub conversion_rate: i64,
    pub grants: Vec<Grant>,
}

/// Credits granted at once, as far as they are not spent or expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `wtx_…`: the grant's own credit transaction.
    pub id: String,
    pub remaining: Credits,
    pub priority: u32,
    pub expires_at: Option<Timestamp>,
    pub created: Timestamp,
}

impl Grant {
    pub fn spendable_at(&self, at: Timestamp) -> bool {
        self.expires_at.is_none_or(|expiry| at < expiry)
    }
}

/// What a wallet paid towards one invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalletPayment {
    /// Minor units.
    pub amount: i64,
    pub credits: Credits,
}

impl Wallet {
    /// Credits spendable at `at`.
    pub fn balance(&self, at: Timestamp) -> Credits {
        Credits::from_hundredths(
            self.grants
                .iter()
                .filter(|g| g.spendable_at(at))
                .map(|g| g.remaining.hundredths())
                .sum(),
        )
    }

    /// Pays as much of `amount` as the spendable credits cover at `at`, drawing the
    /// grants down in spending order.
    pub fn pay(&mut self, amount: i64, at: Timestamp) -> WalletPayment {
        if amount <= 0 {
            return WalletPayment::default();
        }
        let balance = self.balance(at);
        let needed = Credits::to_pay(amount, self.conversion_rate);
        let (credits, paid) = if balance >= needed {
            (needed, amount)
        } else {
            (balance, balance.value(self.conversion_rate).min(amount))
        };
        let mut left = credits.hundredths();
        let mut order: Vec<usize> = (0..self.grants.len())
            .filter(|&i| self.grants[i].spendable_at(at))
            .collect();
        order.sort_by_key(|&i| {
            let g = &self.grants[i];
            (
                g.priority,
                g.expires_at.is_none(),
                g.expires_at,
                g.created,
                g.id.clone(),
            )
        });
        for i in order {
            let grant = &mut self.grants[i];
            let take = left.min(grant.remaining.hundredths());
            grant.remaining = Credits::from_hundredths(grant.remaining.hundredths() - take);
            left -= take;
        }
        WalletPayment {
            amount: paid,
            credits,
        }
    }

    /// Zeroes every grant expired by `at` and says how many credits each lost.
    pub fn expire(&mut self, at: Timestamp) -> Vec<(String, Credits)> {
        let mut expired = Vec::new();
        for grant in &mut self.grants {
            if !grant.spendable_at(at) && grant.remaining > Credits::ZERO {
                expired.push((grant.id.clone(), grant.remaining));
                grant.remaining = Credits::ZERO;
            }
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> Timestamp {
        format!("2026-03-{day:02}T00:00:00Z").parse().unwrap()
    }

    fn grant(id: &str, credits: i64, priority: u32, expires: Option<u32>, created: u32) -> Grant {
        Grant {
            id: id.into(),
            remaining: Credits::from_hundredths(credits * 100),
            priority,
            expires_at: expires.map(at),
            created: at(created),
        }
    }

    fn remaining(wallet: &Wallet) -> Vec<(&str, i64)> {
        wallet
            .grants
            .iter()
            .map(|g| (g.id.as_str(), g.remaining.hundredths() / 100))
            .collect()
    }

    #[test]
    fn spends_by_priority_then_soonest_expiry_then_age() {
        let mut wallet = Wallet {
            id: "wal_1".into(),
            conversion_rate: 100,
            grants: vec![
                grant("never", 10, 0, None, 1),
                grant("late", 10, 0, Some(30), 2),
                grant("soon", 10, 0, Some(20), 3),
                grant("low_priority", 10, 5, Some(15), 1),
            ],
        };
        // 25.00 at one credit per 1.00: soon (10), late (10), then 5 of never.
        let paid = wallet.pay(2500, at(10));
        assert_eq!(paid.amount, 2500);
        assert_eq!(paid.credits.hundredths(), 2500);
        assert_eq!(
            remaining(&wallet),
            [("never", 5), ("late", 0), ("soon", 0), ("low_priority", 10)]
        );
    }

    #[test]
    fn expired_credits_are_not_spendable_and_expire_records_them() {
        let mut wallet = Wallet {
            id: "wal_1".into(),
            conversion_rate: 100,
            grants: vec![grant("old", 10, 0, Some(5), 1), grant("new", 4, 0, None, 2)],
        };
        assert_eq!(wallet.balance(at(4)).hundredths(), 1400);
        // On the expiry instant the grant is gone.
        assert_eq!(wallet.balance(at(5)).hundredths(), 400);
        let paid = wallet.pay(1000, at(6));
        assert_eq!((paid.amount, paid.credits.hundredths()), (400, 400));
        assert_eq!(remaining(&wallet), [("old", 10), ("new", 0)]);
        let expired = wallet.expire(at(6));
        assert_eq!(
            expired,
            vec![("old".to_owned(), Credits::from_hundredths(1000))]
        );
        assert!(wallet.expire(at(7)).is_empty());
    }

    #[test]
    fn a_short_wallet_gives_its_value_rounded_down() {
        // A credit worth 0.30: 3.33 credits are worth 0.99.
        let mut wallet = Wallet {
            id: "wal_1".into(),
            conversion_rate: 30,
            grants: vec![Grant {
                remaining: Credits::from_hundredths(333),
                ..grant("g", 0, 0, None, 1)
            }],
        };
        let paid = wallet.pay(500, at(2));
        assert_eq!((paid.amount, paid.credits.hundredths()), (99, 333));
        assert_eq!(wallet.balance(at(2)), Credits::ZERO);
    }
}
