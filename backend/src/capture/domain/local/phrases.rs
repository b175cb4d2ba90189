//! The local extractor against a table of English phrases and the drafts a person would
//! expect, all on one fixed day (Monday 7 December 2026, a day-first locale). Every
//! draft must also pass the items API's own validation.

use jiff::civil::date;

use super::{Today, extract};

/// phrase → kind, title, category, due_on, due_time, recurrence, amount (minor, currency).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<(i64, &'static str)>,
);

#[rustfmt::skip]
const TABLE: &[Row] = &[
    ("Renew the car insurance before the 3rd of March, it's about £420", "renewal", "Renew the car insurance", "vehicle", "2027-03-03", None, None, Some((42_000, "GBP"))),
    ("Pay the rent on the 1st", "bill", "Pay the rent", "home", "2027-01-01", None, None, None),
    ("Dentist appointment next Friday at 3pm", "appointment", "Dentist appointment", "health", "2026-12-11", Some("15:00"), None, None),
    ("Call mum in two weeks", "todo", "Call mum", "other", "2026-12-21", None, None, None),
    ("Water the plants every 2 weeks", "todo", "Water the plants", "home", "2026-12-07", None, Some("FREQ=WEEKLY;INTERVAL=2"), None),
    ("TV licence renewal every March", "renewal", "TV licence renewal", "home", "2027-03-01", None, Some("FREQ=YEARLY;BYMONTH=3"), None),
    ("Netflix subscription £10.99 monthly", "subscription", "Netflix subscription", "other", "2026-12-07", None, Some("FREQ=MONTHLY"), Some((1_099, "GBP"))),
    ("Passport expires on 14 June 2029", "expiry", "Passport expires", "identity", "2029-06-14", None, None, None),
    ("MOT due 12/01/2027", "renewal", "MOT", "vehicle", "2027-01-12", None, None, None),
    ("Council tax £150 on the 1st of every month", "bill", "Council tax", "home", "2027-01-01", None, Some("FREQ=MONTHLY"), Some((15_000, "GBP"))),
    ("Vet for the dog next Tuesday at 10am", "appointment", "Vet for the dog", "pets", "2026-12-08", Some("10:00"), None, None),
    ("Book the boiler service in a month", "todo", "Book the boiler service", "home", "2027-01-07", None, None, None),
    ("Home insurance renews on 5 April", "renewal", "Home insurance renews", "home", "2027-04-05", None, None, None),
    ("Pay the electricity bill of £85.40 by Friday", "bill", "Pay the electricity bill", "home", "2026-12-11", None, None, Some((8_540, "GBP"))),
    ("Remind me to call the bank tomorrow", "todo", "Call the bank", "finance", "2026-12-08", None, None, None),
    ("Don't forget to pick up the prescription on Thursday", "todo", "Pick up the prescription", "health", "2026-12-10", None, None, None),
    ("Car service at 9:30 on 15 January", "todo", "Car service", "vehicle", "2027-01-15", Some("09:30"), None, None),
    ("Flight to Lisbon on 2027-02-14 at 07:15", "todo", "Flight to Lisbon", "travel", "2027-02-14", Some("07:15"), None, None),
    ("Gym membership renews every year on the 1st of February, £300", "subscription", "Gym membership renews", "other", "2027-02-01", None, Some("FREQ=YEARLY"), Some((30_000, "GBP"))),
    ("Spotify £11.99 every month", "subscription", "Spotify", "other", "2026-12-07", None, Some("FREQ=MONTHLY"), Some((1_199, "GBP"))),
    ("Dishwasher warranty ends on 3 September 2028", "warranty", "Dishwasher warranty ends", "other", "2028-09-03", None, None, None),
    ("Take the bins out every Monday", "todo", "Take the bins out", "home", "2026-12-14", None, Some("FREQ=WEEKLY;BYDAY=MO"), None),
    ("Doctor's appointment on Wednesday at 11", "appointment", "Doctor's appointment", "health", "2026-12-09", Some("11:00"), None, None),
    ("Self assessment tax return due by 31 January", "todo", "Self assessment tax return", "finance", "2027-01-31", None, None, None),
    ("Renew my driving licence in 3 years", "renewal", "Renew my driving licence", "identity", "2029-12-07", None, None, None),
    ("Haircut this Saturday at 2pm", "appointment", "Haircut", "other", "2026-12-12", Some("14:00"), None, None),
    ("Send the report to the client by end of the month", "todo", "Send the report to the client", "work", "2026-12-31", None, None, None),
    ("Mortgage payment of £950 on the 28th monthly", "bill", "Mortgage payment", "home", "2026-12-28", None, Some("FREQ=MONTHLY"), Some((95_000, "GBP"))),
    ("Pay the water bill in 10 days", "bill", "Pay the water bill", "home", "2026-12-17", None, None, None),
    ("Get the car tyres checked next week", "todo", "Get the car tyres checked", "vehicle", "2026-12-14", None, None, None),
    ("School play on the 15th at 6pm", "todo", "School play", "other", "2026-12-15", Some("18:00"), None, None),
    ("Annual boiler service every October", "todo", "Annual boiler service", "home", "2027-10-01", None, Some("FREQ=YEARLY;BYMONTH=10"), None),
    ("Check the smoke alarms every 3 months", "todo", "Check the smoke alarms", "other", "2026-12-07", None, Some("FREQ=MONTHLY;INTERVAL=3"), None),
    ("Dog flea treatment monthly", "todo", "Dog flea treatment", "pets", "2026-12-07", None, Some("FREQ=MONTHLY"), None),
    ("Credit card bill £230 due on the 25th", "bill", "Credit card bill", "finance", "2026-12-25", None, None, Some((23_000, "GBP"))),
    ("Buy a birthday present for Sam before 20 December", "todo", "Buy a birthday present for Sam", "other", "2026-12-20", None, None, None),
    ("ESTA for the US trip expires 2028-05-01", "expiry", "ESTA for the US trip expires", "travel", "2028-05-01", None, None, None),
    ("Renew the passport next year", "renewal", "Renew the passport", "identity", "2027-01-01", None, None, None),
    ("Meeting with the accountant on Tuesday 10am", "appointment", "Meeting with the accountant", "finance", "2026-12-08", Some("10:00"), None, None),
    ("Pay £45 for the window cleaner on Friday", "bill", "Pay for the window cleaner", "other", "2026-12-11", None, None, Some((4_500, "GBP"))),
    ("Cancel the free trial in 14 days", "todo", "Cancel the free trial", "other", "2026-12-21", None, None, None),
    ("Insurance for the van renews on 30/06/2027", "renewal", "Insurance for the van renews", "vehicle", "2027-06-30", None, None, None),
    ("Visa expires 31 March 2027", "expiry", "Visa expires", "identity", "2027-03-31", None, None, None),
    ("Piano lesson every Thursday at 5pm", "todo", "Piano lesson", "other", "2026-12-10", Some("17:00"), Some("FREQ=WEEKLY;BYDAY=TH"), None),
    ("Yoga every weekday at 7am", "todo", "Yoga", "other", "2026-12-08", Some("07:00"), Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), None),
    ("Pay the nanny £200 every Friday", "bill", "Pay the nanny", "other", "2026-12-11", None, Some("FREQ=WEEKLY;BYDAY=FR"), Some((20_000, "GBP"))),
    ("Renew the domain name on the 3rd of January", "renewal", "Renew the domain name", "other", "2027-01-03", None, None, None),
    ("The lease ends on 1 August 2027", "todo", "The lease ends", "other", "2027-08-01", None, None, None),
    ("Book an eye test at the optician in a fortnight", "appointment", "Book an eye test at the optician", "health", "2026-12-21", None, None, None),
    ("Renew the parking permit at the end of next month", "renewal", "Renew the parking permit", "other", "2027-01-31", None, None, None),
    ("Pension review by the end of the year", "todo", "Pension review", "finance", "2026-12-31", None, None, None),
    ("Kitten vaccination in 3 weeks", "todo", "Kitten vaccination", "health", "2026-12-28", None, None, None),
    ("Send Gran a card on 25 December", "todo", "Send Gran a card", "other", "2026-12-25", None, None, None),
    ("Broadband contract ends in June", "todo", "Broadband contract ends", "home", "2027-06-01", None, None, None),
    ("Pay back Alex $40 tomorrow", "bill", "Pay back Alex", "other", "2026-12-08", None, None, Some((4_000, "USD"))),
    ("Gas safety check on the 9th at noon", "todo", "Gas safety check", "home", "2026-12-09", Some("12:00"), None, None),
    ("Quarterly VAT return due 7 February", "todo", "VAT return", "finance", "2027-02-07", None, Some("FREQ=MONTHLY;INTERVAL=3"), None),
    ("Pick up dry cleaning the day after tomorrow", "todo", "Pick up dry cleaning", "other", "2026-12-09", None, None, None),
    ("Contact lens order every six weeks", "todo", "Contact lens order", "other", "2026-12-07", None, Some("FREQ=WEEKLY;INTERVAL=6"), None),
    ("Interview at Acme on March 3rd at 14:00", "appointment", "Interview at Acme", "work", "2027-03-03", Some("14:00"), None, None),
    ("Submit the meter reading on the last day of every month", "todo", "Submit the meter reading", "other", "2026-12-31", None, Some("FREQ=MONTHLY;BYMONTHDAY=-1"), None),
    ("Renew car tax 1/3/2027", "renewal", "Renew car tax", "vehicle", "2027-03-01", None, None, None),
    ("House insurance £380 renewing on March 12 2027", "renewal", "House insurance renewing", "home", "2027-03-12", None, None, Some((38_000, "GBP"))),
    ("Pay the childminder £120 weekly", "bill", "Pay the childminder", "other", "2026-12-07", None, Some("FREQ=WEEKLY"), Some((12_000, "GBP"))),
    ("Order contact lenses twice a year", "todo", "Order contact lenses", "other", "2026-12-07", None, Some("FREQ=MONTHLY;INTERVAL=6"), None),
    ("Anniversary dinner on 14th February at 7:30pm", "todo", "Anniversary dinner", "other", "2027-02-14", Some("19:30"), None, None),
    ("Renew the home insurance in 11 months, roughly 300 euros", "renewal", "Renew the home insurance", "home", "2027-11-07", None, None, Some((30_000, "EUR"))),
];

const MONDAY: Today = Today {
    date: date(2026, 12, 7),
    day_first: true,
};

/// How many rows come out exactly as expected; the rest, described.
fn score() -> (usize, Vec<String>) {
    let mut misses = Vec::new();
    for &(phrase, kind, title, category, due_on, due_time, recurrence, money) in TABLE {
        let proposals = extract(phrase, &MONDAY);
        let [proposal] = proposals.as_slice() else {
            misses.push(format!("{phrase:?}: {} proposals", proposals.len()));
            continue;
        };
        let item = &proposal.item;
        let got = (
            item.kind.as_str(),
            item.title.as_str(),
            item.category.as_deref().unwrap_or(""),
            item.due_on.as_str(),
            item.due_time.as_deref(),
            item.recurrence.as_deref(),
            item.amount_minor.zip(item.currency.as_deref()),
        );
        if got != (kind, title, category, due_on, due_time, recurrence, money) {
            misses.push(format!("{phrase:?}: got {got:?}"));
        }
        if let Err(invalid) = item.validate() {
            misses.push(format!("{phrase:?}: the items API refuses it: {invalid}"));
        }
    }
    (TABLE.len() - misses.len(), misses)
}

#[test]
fn reads_the_phrase_table() {
    assert!(TABLE.len() >= 60, "the table has {} phrases", TABLE.len());
    let (right, misses) = score();
    println!("local extractor: {right}/{} phrases exactly right", TABLE.len());
    assert!(misses.is_empty(), "{} of {} phrases missed:\n{}", misses.len(), TABLE.len(), misses.join("\n"));
}

#[test]
fn a_date_it_had_to_guess_is_marked_unsure() {
    let [proposal] = extract("Water the plants every 2 weeks", &MONDAY).try_into().unwrap();
    assert_eq!(proposal.unsure, ["due_on"]);
    assert!(proposal.confidence < 0.8);
    let [said] = extract("Pay the rent on the 1st", &MONDAY).try_into().unwrap();
    assert!(said.unsure.is_empty());
    assert!(said.confidence > proposal.confidence);
}

#[test]
fn each_sentence_is_a_proposal_and_chatter_is_none() {
    let proposals = extract("Pay rent on the 1st. Dentist on Friday at 9am!\nHello there", &MONDAY);
    let titles: Vec<&str> = proposals.iter().map(|p| p.item.title.as_str()).collect();
    assert_eq!(titles, ["Pay rent", "Dentist"]);
    assert!(extract("Okay then", &MONDAY).is_empty());
    assert!(extract("", &MONDAY).is_empty());
}

#[test]
fn slashed_dates_follow_the_users_order() {
    let us = Today {
        day_first: false,
        ..MONDAY
    };
    assert_eq!(extract("Dentist 3/4", &us)[0].item.due_on, "2027-03-04");
    assert_eq!(extract("Dentist 3/4", &MONDAY)[0].item.due_on, "2027-04-03");
}

#[test]
fn the_same_words_on_the_same_day_give_the_same_drafts() {
    let text = "Renew the car insurance before the 3rd of March, it's about £420";
    assert_eq!(extract(text, &MONDAY), extract(text, &MONDAY));
}
