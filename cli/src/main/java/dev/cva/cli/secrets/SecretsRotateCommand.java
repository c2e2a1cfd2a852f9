package dev.cva.cli.secrets;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditTrail;
import dev.cva.cli.audit.Audits;
import dev.cva.cli.env.Confirmation;
import dev.cva.cli.options.DurationConverter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva secrets rotate webhook}: parse, call {@link WebhookRotation}, render. */
@Command(
        name = "rotate",
        sortOptions = false,
        description = {
            "Rotate a secret in both clouds with no refused webhook: add a new version for the receiver, "
                    + "probe until the receiver accepts both, switch the notifier, wait the overlap, retire the old one.",
            "Every step is resumable: a rotation stopped at any step is finished by running the command again.",
            "Exit 0 rotated, 1 a step failed (the old secret still works until the notifier switched; the "
                    + "message names the step and how to resume), 2 unknown secret or bad usage."
        })
public final class SecretsRotateCommand implements Callable<Integer> {
    /** Test seam: stop as if interrupted right after this step (add, confirm, switch, overlap). */
    static final String FAIL_AFTER = "CVA_SECRETS_FAIL_AFTER";

    static final List<String> SECRETS = List.of("webhook");

    @Parameters(
            paramLabel = "SECRET",
            completionCandidates = Names.class,
            description = "The secret to rotate: webhook (the HMAC key shared by the notifier and the receiver).")
    String secret;

    @Option(
            names = "--overlap",
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            description = "How long both secrets stay accepted after the notifier switched (default: secrets.overlap "
                    + "of cva.yaml, 10m in prod).")
    Duration overlap;

    @Option(
            names = "--dry-run",
            description = "Say where the rotation stands and what each step would do; change nothing.")
    boolean dryRun;

    @Option(
            names = "--probe-timeout",
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            defaultValue = "5m",
            description = "How long to wait for the receiver to accept the new secret (and "
                    + "to refuse the retired one); default ${DEFAULT-VALUE}.")
    Duration probeTimeout;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "The receiver to probe (default: as 'cva webhook send' finds it).")
    String url;

    private final CvaContext ctx;

    SecretsRotateCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    /** The secrets cva can rotate, for completion. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SECRETS.iterator();
        }
    }

    @Override
    public Integer call() {
        if (!SECRETS.contains(secret)) {
            throw CvaException.usage(
                    "unknown secret '" + secret + "'", "cva can rotate: " + String.join(", ", SECRETS));
        }
        Duration chosen = SecretsEnvironment.overlap(ctx, overlap);
        Duration refresh = SecretsEnvironment.refresh(ctx);
        if (chosen.compareTo(refresh.multipliedBy(2)) < 0) {
            throw CvaException.usage(
                    "--overlap " + chosen.toSeconds() + " s is shorter than twice secrets.refreshSeconds ("
                            + refresh.toSeconds()
                            + " s): a notifier that has not re-read its secret yet would be refused",
                    "give --overlap " + refresh.multipliedBy(2).toSeconds() + "s or more");
        }
        WebhookRotation.Step failAfter = failAfter();
        if (!dryRun) {
            Confirmation.cloudChange(ctx, "rotate the " + secret + " secret");
        }
        long start = System.nanoTime();
        WebhookRotation.Result result;
        try {
            result = rotate(chosen, refresh, failAfter);
        } catch (RuntimeException e) {
            audit(AuditEntry.Outcome.failed, null, null, String.valueOf(e.getMessage()));
            throw e;
        }
        if (!dryRun) {
            audit(
                    result.failed() == null ? AuditEntry.Outcome.ok : AuditEntry.Outcome.failed,
                    result.oldFingerprint(),
                    result.newFingerprint(),
                    result.failed() == null ? null : "step " + result.failed().label() + " failed: " + result.error());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String resume = "cva secrets rotate " + secret + " --env " + ctx.environmentName();
        render(result, seconds, resume);
        if (result.failed() != null) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "step " + result.failed().label() + " failed: " + result.error(),
                    (result.failed().ordinal() < WebhookRotation.Step.SWITCH.ordinal()
                                    ? "the notifier was not switched: the old secret still works. "
                                    : "")
                            + "Resume with: " + resume);
        }
        return ExitCode.OK.code();
    }

    /**
     * One audit line per rotation run, fingerprints only (never a value), on the AWS side where the notifier's secret
     * is switched; Secret Manager's own Data Access audit logs record the GCP side.
     */
    private void audit(AuditEntry.Outcome outcome, String oldFingerprint, String newFingerprint, String detail) {
        AuditTrail trail = Audits.open(ctx, Audits.Cloud.AWS);
        trail.record(trail.entry("secrets rotate", secret).change(oldFingerprint, newFingerprint), outcome, detail);
    }

    private WebhookRotation.Result rotate(Duration chosen, Duration refresh, WebhookRotation.Step failAfter) {
        WebhookRotation.Result result;
        try (SecretsEnvironment env = SecretsEnvironment.open(ctx)) {
            ReceiverProbe probe = new HttpReceiverProbe(SecretsEnvironment.receiverUrl(ctx, url), ctx.clock());
            WebhookRotation rotation = new WebhookRotation(
                    env.receiver(),
                    env.notifier(),
                    probe,
                    ctx.clock(),
                    d -> Thread.sleep(Math.max(1, d.toMillis())),
                    ctx::info);
            Duration interval = refresh.dividedBy(4).compareTo(Duration.ofMillis(250)) < 0
                    ? Duration.ofMillis(250)
                    : refresh.dividedBy(4);
            result = rotation.rotate(new WebhookRotation.Options(
                    chosen, dryRun, probeTimeout, 3, interval, failAfter, refresh.plusSeconds(1)));
        }
        return result;
    }

    private WebhookRotation.Step failAfter() {
        String v = ctx.env().get(FAIL_AFTER);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return WebhookRotation.Step.valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(FAIL_AFTER + " must name a step (add, confirm, switch, overlap)", null);
        }
    }

    private void render(WebhookRotation.Result r, double seconds, String resume) {
        if (ctx.globals().json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("secret", secret);
            out.put("environment", ctx.environmentName());
            out.put("dryRun", dryRun);
            out.put("resumed", r.resumed());
            out.put("complete", r.complete());
            out.put("oldFingerprint", r.oldFingerprint());
            out.put("newFingerprint", r.newFingerprint());
            out.put("receiverVersion", r.receiverVersion());
            out.put("notifierVersion", r.notifierVersion());
            out.put("failedStep", r.failed() == null ? null : r.failed().label());
            out.put("resume", r.failed() == null ? null : resume);
            out.put("seconds", Math.round(seconds * 10) / 10.0);
            out.put(
                    "steps",
                    r.steps().stream()
                            .map(s -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("step", s.step().label());
                                m.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
                                m.put("detail", s.detail());
                                m.put("millis", s.millis());
                                return m;
                            })
                            .toList());
            ctx.printJson(out);
            return;
        }
        for (WebhookRotation.StepResult s : r.steps()) {
            ctx.out()
                    .printf(
                            "%-8s %-12s %s%n",
                            s.step().label(),
                            s.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            s.detail());
        }
        if (r.failed() == null && !dryRun) {
            ctx.out()
                    .printf(
                            "rotated the %s secret %s -> %s in %.1f s%s%n",
                            secret, r.oldFingerprint(), r.newFingerprint(), seconds, r.resumed() ? " (resumed)" : "");
        }
        ctx.out().flush();
    }
}
