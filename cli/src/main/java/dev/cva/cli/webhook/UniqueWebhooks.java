package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.UUID;

/** The load target: each request a fresh payload from the template (new requestId, timestamps), freshly signed. */
final class UniqueWebhooks implements LoadGenerator.Target<SignedRequest> {
    private final RequestFactory factory;
    private final WebhookClient client;
    private final JsonNode template;
    private final URI url;

    UniqueWebhooks(RequestFactory factory, WebhookClient client, JsonNode template, URI url) {
        this.factory = factory;
        this.client = client;
        this.template = template;
        this.url = url;
    }

    @Override
    public SignedRequest prepare(long index) {
        return factory.sign(url, Payloads.fresh(template, factory.clock().instant(), UUID.randomUUID()));
    }

    @Override
    public int send(SignedRequest request) throws Exception {
        return client.sendForStatus(request);
    }
}
