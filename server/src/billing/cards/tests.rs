use super::Decline::*;
use super::*;

const TODAY: (i32, u32) = (2026, 5);

fn input(number: &str, exp_month: u32, exp_year: u32, cvc: &str) -> CardInput {
    let (number, cvc) = (number.to_string(), cvc.to_string());
    CardInput {
        number,
        exp_month,
        exp_year,
        cvc,
    }
}

/// Accepts `number` with a valid expiry and a CVC of the right length.
fn try_card(number: &str) -> Result<AcceptedCard, Decline> {
    let cvc = if number.len() == 15 { "1234" } else { "123" };
    accept(&input(number, 12, 2034, cvc), TODAY)
}

#[test]
fn successful_cards_are_accepted_as_the_table_says() {
    let visa = try_card("4242424242424242").unwrap();
    assert_eq!(
        (visa.brand, visa.funding, visa.last4.as_str()),
        (Brand::Visa, "credit", "4242")
    );
    assert_eq!(
        (visa.exp_month, visa.exp_year, visa.charge_decline),
        (12, 2034, None)
    );
    assert_eq!(try_card("5105105105105100").unwrap().funding, "prepaid");
    assert_eq!(try_card("36227206271667").unwrap().brand, Brand::Diners);
    assert_eq!(try_card("378282246310005").unwrap().last4, "0005");
    for card in TEST_CARDS
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Succeeds))
    {
        let accepted = try_card(card.number).unwrap();
        assert_eq!(
            (accepted.brand, accepted.funding),
            (card.brand, card.funding)
        );
        assert_eq!(charge(&accepted, TODAY), Ok(()));
    }
}

#[test]
fn declining_cards_fail_at_attach_with_stripes_codes() {
    assert_eq!(try_card("4000000000000002"), Err(Generic));
    assert_eq!(try_card("4000000000009995"), Err(InsufficientFunds));
    assert_eq!(try_card("4000000000009987"), Err(LostCard));
    assert_eq!(try_card("4000000000009979"), Err(StolenCard));
    assert_eq!(try_card("4000000000000069"), Err(ExpiredCard));
    assert_eq!(try_card("4000000000000127"), Err(IncorrectCvc));
    assert_eq!(try_card("4000000000000119"), Err(ProcessingError));
    assert_eq!(
        (InsufficientFunds.code(), InsufficientFunds.decline_code()),
        ("card_declined", Some("insufficient_funds"))
    );
    assert_eq!(
        (IncorrectCvc.code(), IncorrectCvc.decline_code()),
        ("incorrect_cvc", None)
    );
}

#[test]
fn card_0341_attaches_but_its_charges_fail() {
    let card = try_card("4000000000000341").unwrap();
    assert_eq!(card.charge_decline, Some(Generic));
    assert_eq!(charge(&card, TODAY), Err(Generic));
}

#[test]
fn numbers() {
    assert_eq!(try_card("4242424242424241"), Err(IncorrectNumber));
    assert_eq!(try_card("4242x24242424242"), Err(InvalidNumber));
    assert_eq!(try_card("42424242"), Err(InvalidNumber));
    assert_eq!(try_card("4111111111111111"), Err(NotATestCard));
    assert_eq!(NotATestCard.code(), "card_declined");
    let spaced = accept(&input("4242 4242-4242 4242", 12, 2034, "123"), TODAY);
    assert_eq!(spaced.unwrap().last4, "4242");
}

#[test]
fn expiry_dates() {
    let at = |m, y| accept(&input("4242424242424242", m, y, "123"), TODAY);
    assert_eq!(at(7, 30).unwrap().exp_year, 2030);
    assert_eq!(at(5, 2026).map(|c| c.exp_month), Ok(5));
    assert_eq!(at(13, 2030), Err(InvalidExpiryMonth));
    assert_eq!(at(4, 2026), Err(InvalidExpiryMonth));
    assert_eq!(at(12, 2025), Err(InvalidExpiryYear));
    assert_eq!(at(12, 25), Err(InvalidExpiryYear));
    assert_eq!(at(1, 2077), Err(InvalidExpiryYear));
}

#[test]
fn cvc_length_depends_on_brand() {
    let with = |number, cvc| accept(&input(number, 12, 2034, cvc), TODAY);
    assert!(with("378282246310005", "1234").is_ok());
    assert_eq!(with("378282246310005", "123"), Err(InvalidCvc));
    assert_eq!(with("4242424242424242", "1234"), Err(InvalidCvc));
    assert_eq!(with("4242424242424242", "12a"), Err(InvalidCvc));
    // Format checks come before the test card's own decline.
    assert_eq!(with("4000000000000002", "12"), Err(InvalidCvc));
}

#[test]
fn charges_fail_after_the_expiry_month() {
    let card = accept(&input("4242424242424242", 6, 2026, "123"), TODAY).unwrap();
    assert_eq!(charge(&card, (2026, 6)), Ok(()));
    assert_eq!(charge(&card, (2026, 7)), Err(ExpiredCard));
    assert_eq!(charge(&card, (2027, 1)), Err(ExpiredCard));
}

#[test]
fn names_round_trip() {
    for d in Decline::ALL {
        assert_eq!(Decline::parse(d.as_str()), Some(d));
    }
    for b in Brand::ALL {
        assert_eq!(Brand::parse(b.as_str()), Some(b));
    }
    assert_eq!(Brand::parse("Visa"), None);
}

#[test]
fn debug_hides_number_and_cvc() {
    let shown = format!("{:?}", input("4242 4242 4242 4242", 12, 2034, "987"));
    assert!(shown.contains("4242"), "{shown}");
    assert!(
        !shown.contains("4242 4242") && !shown.contains("987"),
        "{shown}"
    );
}
