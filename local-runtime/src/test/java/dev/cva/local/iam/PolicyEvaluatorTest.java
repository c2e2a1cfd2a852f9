package dev.cva.local.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.local.iam.PolicyEvaluator.Decision;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IAM's evaluation rules, from the IAM User Guide's "Policy evaluation logic". */
class PolicyEvaluatorTest {
    static final String POLICY = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["sqs:SendMessage","sqs:Receive*"],"Resource":"arn:aws:sqs:eu-west-2:1:q-*"},
              {"Effect":"Deny","Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:eu-west-2:1:q-secret"},
              {"Effect":"Allow","Action":"ses:SendEmail","Resource":"*",
               "Condition":{"StringEquals":{"ses:FromAddress":"a@example.dev"}}}]}""";
    final PolicyEvaluator p = new PolicyEvaluator(POLICY);

    @Test
    void allowsWhatAStatementMatchesWithWildcardsAndActionsInAnyCase() {
        assertThat(p.decide("sqs:SendMessage", "arn:aws:sqs:eu-west-2:1:q-one", Map.of()))
                .isEqualTo(Decision.ALLOW);
        assertThat(p.decide("SQS:receivemessage", "arn:aws:sqs:eu-west-2:1:q-one", Map.of()))
                .isEqualTo(Decision.ALLOW);
    }

    @Test
    void deniesByDefaultAndAnExplicitDenyWins() {
        assertThat(p.decide("sqs:DeleteMessage", "arn:aws:sqs:eu-west-2:1:q-one", Map.of()))
                .isEqualTo(Decision.IMPLICIT_DENY);
        assertThat(p.decide("sqs:SendMessage", "arn:aws:sqs:eu-west-2:1:other", Map.of()))
                .isEqualTo(Decision.IMPLICIT_DENY);
        assertThat(p.decide("sqs:ReceiveMessage", "arn:aws:sqs:eu-west-2:1:q-secret", Map.of()))
                .isEqualTo(Decision.EXPLICIT_DENY);
    }

    @Test
    void aConditionHoldsOnlyWithTheKeyAndTheValue() {
        assertThat(p.decide("ses:SendEmail", "arn:x", Map.of("ses:fromaddress", "a@example.dev")))
                .isEqualTo(Decision.ALLOW);
        assertThat(p.decide("ses:SendEmail", "arn:x", Map.of("ses:fromaddress", "b@example.dev")))
                .isEqualTo(Decision.IMPLICIT_DENY);
        assertThat(p.decide("ses:SendEmail", "arn:x", Map.of())).isEqualTo(Decision.IMPLICIT_DENY);
    }
}
