package com.imagingmanifest.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.security.CorsProperties;
import com.imagingmanifest.gateway.security.GatewaySecurityProperties;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The SMART document when the OpenID Provider fails: endpoints left out, and no request waits for it again at once. */
class SmartConfigurationTest {

    @Test
    void aFailingProviderIsNotAskedAgainOnEveryRequest() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        provider.start();
        try {
            URI issuer = URI.create("http://127.0.0.1:" + provider.getAddress().getPort() + "/realm");
            GatewaySecurityProperties security = new GatewaySecurityProperties(true, issuer, null, null, "gateway", "org",
                    true, true, true, Duration.ofSeconds(60), false, Duration.ofHours(12), "gateway.admin", null, null,
                    List.of("at+jwt"));
            SmartConfiguration smart = new SmartConfiguration(security, new CorsProperties(List.of(), false, Duration.ofMinutes(30)));
            String first = smart.document();
            String second = smart.document();
            assertThat(first).doesNotContain("token_endpoint").contains("\"issuer\":\"" + issuer + "\"");
            assertThat(second).isEqualTo(first);
            assertThat(asked).hasValue(1);
        } finally {
            provider.stop(0);
        }
    }
}
