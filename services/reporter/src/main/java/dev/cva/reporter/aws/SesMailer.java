package dev.cva.reporter.aws;

import dev.cva.reporter.Mailer;
import dev.cva.reporter.ReportException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** SES v2 SendEmail with simple content: subject, HTML and text bodies in UTF-8. */
public final class SesMailer implements Mailer {
    private final SesV2Client ses;

    public SesMailer(SesV2Client ses) {
        this.ses = ses;
    }

    @Override
    public String send(Email email) {
        try {
            return ses.sendEmail(b -> b.fromEmailAddress(email.from())
                            .destination(d -> d.toAddresses(email.to()))
                            .content(c -> c.simple(m -> m.subject(
                                            s -> s.data(email.subject()).charset("UTF-8"))
                                    .body(body -> body.html(
                                                    h -> h.data(email.html()).charset("UTF-8"))
                                            .text(t -> t.data(email.text()).charset("UTF-8"))))))
                    .messageId();
        } catch (SdkException e) {
            throw new ReportException(
                    "SES SendEmail failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"),
                    e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
