package dev.cva.reporter;

import java.util.List;

/** Sends one e-mail (SES v2 in production). */
public interface Mailer {
    record Email(String from, List<String> to, String subject, String html, String text) {}

    /** @return the provider's message id. @throws ReportException when the mail was not accepted */
    String send(Email email);
}
