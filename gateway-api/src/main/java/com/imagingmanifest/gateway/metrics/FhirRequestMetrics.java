package com.imagingmanifest.gateway.metrics;

import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Times every request to the FHIR API: timer {@value #METRIC} with a latency histogram, tagged with
 * the FHIR operation, the HTTP status, its class as outcome ({@code success}, {@code client-error},
 * {@code server-error}) and the tenant (slug of a configured organization, else {@code unknown}).
 */
public class FhirRequestMetrics extends OncePerRequestFilter {

    public static final String METRIC = "gateway.fhir.requests";

    private final MeterRegistry registry;
    private final RequestContexts contexts;

    public FhirRequestMetrics(MeterRegistry registry, RequestContexts contexts) {
        this.registry = registry;
        this.contexts = contexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<RequestContext> fhir = contexts.of(request);
        if (fhir.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            Timer.builder(METRIC)
                    .description("FHIR API requests by operation, outcome and tenant")
                    .tags("operation", fhir.get().operation().code(),
                            "status", Integer.toString(status),
                            "outcome", status >= 500 ? "server-error" : status >= 400 ? "client-error" : "success",
                            "tenant", fhir.get().tenantLabel())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
