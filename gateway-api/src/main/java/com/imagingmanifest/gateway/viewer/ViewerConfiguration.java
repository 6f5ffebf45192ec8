package com.imagingmanifest.gateway.viewer;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.gateway.security.FhirRequest;
import com.imagingmanifest.gateway.security.OperationOutcomeResponse;
import com.imagingmanifest.gateway.store.SelectedInstances;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * The viewers' paths beside each FHIR base: {@code /organizations/{org}/dicomweb/...}
 * ({@link SelectionScopedDicomweb}) and {@code /organizations/{org}/viewer/...} ({@link KeyImagePage}).
 * The FHIR servlet owns {@code /organizations/*}, so they are answered by a filter in front of it,
 * after request logging, metrics and Spring Security (docs/architecture.md §2).
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.context.properties.EnableConfigurationProperties(ViewerProperties.class)
public class ViewerConfiguration {
    /** Just before the FHIR server's own filter (TenantRequestFilter, at the lowest precedence). */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

    @Bean
    ViewerLinks viewerLinks(ViewerProperties properties) {
        return new ViewerLinks(properties);
    }

    @Bean
    FilterRegistrationBean<ViewerPaths> viewerPaths(Tenants tenants, SelectedInstances store,
            PacsConnections connections, FhirContext fhir) {
        OperationOutcomeResponse outcomes = new OperationOutcomeResponse(fhir);
        FilterRegistrationBean<ViewerPaths> registration = new FilterRegistrationBean<>(new ViewerPaths(tenants,
                new SelectionScopedDicomweb(store, connections, outcomes), new KeyImagePage(outcomes), outcomes));
        registration.setOrder(ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/organizations/*");
        return registration;
    }

    static final class ViewerPaths extends OncePerRequestFilter {
        private final Tenants tenants;
        private final SelectionScopedDicomweb dicomweb;
        private final KeyImagePage page;
        private final OperationOutcomeResponse outcomes;

        ViewerPaths(Tenants tenants, SelectionScopedDicomweb dicomweb, KeyImagePage page,
                OperationOutcomeResponse outcomes) {
            this.tenants = tenants;
            this.dicomweb = dicomweb;
            this.page = page;
            this.outcomes = outcomes;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<FhirRequest> parsed = FhirRequest.of(request);
            FhirRequest.Operation op = parsed.map(FhirRequest::operation).orElse(null);
            if (op != FhirRequest.Operation.WADO_RS && op != FhirRequest.Operation.VIEWER) {
                chain.doFilter(request, response);
                return;
            }
            Optional<Tenant> tenant = tenants.find(parsed.get().organization());
            // the page is the same static file for every organization and is read without a token: served
            // for an unknown one too, so that it tells an anonymous caller nothing (docs/security.md)
            if (tenant.isEmpty() && op == FhirRequest.Operation.WADO_RS) {
                outcomes.unknownOrganization(response, parsed.get().organization());
                return;
            }
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setHeader("Allow", "GET, HEAD");
                outcomes.send(response, 405, IssueType.NOTSUPPORTED, "Only GET and HEAD read this path");
                return;
            }
            // segments after /organizations/{org}/{dicomweb|viewer}
            List<String> all = segments(request);
            List<String> rest = all.subList(3, all.size());
            if (op == FhirRequest.Operation.WADO_RS) {
                dicomweb.serve(tenant.get(), rest, request, response);
            } else {
                page.serve(rest, request, response);
            }
        }

        private static List<String> segments(HttpServletRequest request) {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            List<String> out = new ArrayList<>();
            for (String s : path.substring(1).split("/", -1)) {
                try {
                    out.add(UriUtils.decode(s, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    out.add(s); // matches nothing: answered 404
                }
            }
            return out;
        }
    }
}
