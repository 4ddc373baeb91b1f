use super::*;

const SCHEDULER: &str = "scheduler.amazonaws.com";
const ACCOUNT: &str = "111122223333";

fn statement(effect: &str, service: &str, extra: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"{extra}}}]}}"#
    )
}

fn verdict(doc: &str) -> Verdict {
    trusts(doc, SCHEDULER, ACCOUNT)
}

#[test]
fn the_scheduler_as_principal_is_trusted_with_or_without_the_documented_condition() {
    assert_eq!(
        verdict(&statement("Allow", SCHEDULER, "")),
        Verdict::Allowed { by: "its trust policy".into() }
    );
    let documented = r#","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#;
    assert!(matches!(verdict(&statement("Allow", SCHEDULER, documented)), Verdict::Allowed { .. }));
    let list = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","scheduler.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}}"#;
    assert!(matches!(verdict(list), Verdict::Allowed { .. }));
    let encoded =
        statement("Allow", SCHEDULER, "").replace('{', "%7B").replace('}', "%7D").replace('"', "%22");
    assert!(matches!(verdict(&encoded), Verdict::Allowed { .. }));
}

#[test]
fn another_service_is_not_covered_and_says_whom_it_trusts() {
    let ec2 = statement("Allow", "ec2.amazonaws.com", "");
    assert_eq!(verdict(&ec2), Verdict::NotCovered);
    assert_eq!(trusted(&ec2), vec!["ec2.amazonaws.com".to_owned()]);
    let other_action = statement("Allow", SCHEDULER, "").replace("sts:AssumeRole", "sts:TagSession");
    assert_eq!(verdict(&other_action), Verdict::NotCovered);
}

#[test]
fn other_conditions_another_account_or_an_unreadable_document_are_doubts() {
    let arn = r#","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:scheduler:*:111122223333:schedule/*"}}"#;
    assert_eq!(
        verdict(&statement("Allow", SCHEDULER, arn)),
        Verdict::Uncertain {
            why: "the Allow for scheduler.amazonaws.com in its trust policy has a condition (ArnLike on aws:SourceArn)"
                .into()
        }
    );
    let elsewhere = r#","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}"#;
    assert!(
        matches!(verdict(&statement("Allow", SCHEDULER, elsewhere)), Verdict::Uncertain { why } if why.contains("only for account 999999999999"))
    );
    assert!(matches!(verdict("not json"), Verdict::Uncertain { .. }));
}

#[test]
fn an_unconditional_deny_wins() {
    let both = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}"#;
    assert_eq!(verdict(both), Verdict::Denied { by: "its trust policy".into() });
}
