package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.SelectedInstances;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import com.imagingmanifest.gateway.web.RequestTarget.Operation;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The viewers' paths beside each FHIR base: {@code /organizations/{org}/dicomweb/...}
 * ({@link SelectionScopedDicomweb}) and {@code /organizations/{org}/viewer/...} ({@link KeyImagePage}).
 * The FHIR servlet owns {@code /organizations/*}, so they are answered by a filter in front of it,
 * after request logging, metrics and Spring Security (docs/architecture.md §2).
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.context.properties.EnableConfigurationProperties({ViewerProperties.class,
        ViewerCacheProperties.class})
public class ViewerConfiguration {
    /** Just before the FHIR server's own filter (TenantRequestFilter, at the lowest precedence). */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

    @Bean
    ViewerLinks viewerLinks(ViewerProperties properties) {
        return new ViewerLinks(properties);
    }

    @Bean
    FilterRegistrationBean<ViewerPaths> viewerPaths(RequestContexts contexts, SelectedInstances store,
            ManifestVersions versions, PacsConnections connections, OperationOutcomeWriter outcomes,
            ViewerCacheProperties caches) {
        SelectionScopedDicomweb dicomweb = new SelectionScopedDicomweb(store, versions, connections, outcomes, caches);
        FilterRegistrationBean<ViewerPaths> registration = new FilterRegistrationBean<>(new ViewerPaths(contexts,
                dicomweb, new KeyImagePage(outcomes), outcomes));
        registration.setOrder(ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/organizations/*");
        return registration;
    }

    static final class ViewerPaths extends OncePerRequestFilter {
        private final RequestContexts contexts;
        private final SelectionScopedDicomweb dicomweb;
        private final KeyImagePage page;
        private final OperationOutcomeWriter outcomes;

        ViewerPaths(RequestContexts contexts, SelectionScopedDicomweb dicomweb, KeyImagePage page,
                OperationOutcomeWriter outcomes) {
            this.contexts = contexts;
            this.dicomweb = dicomweb;
            this.page = page;
            this.outcomes = outcomes;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<RequestContext> parsed = contexts.of(request);
            Operation op = parsed.map(RequestContext::operation).orElse(null);
            if (op != Operation.WADO_RS && op != Operation.VIEWER) {
                chain.doFilter(request, response);
                return;
            }
            RequestContext context = parsed.get();
            // the page is the same static file for every organization and is read without a token: served
            // for an unknown one too, so that it tells an anonymous caller nothing (docs/security.md)
            if (context.organization().isEmpty() && op == Operation.WADO_RS) {
                outcomes.unknownOrganization(response, context.organizationSegment());
                return;
            }
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setHeader("Allow", "GET, HEAD");
                outcomes.send(response, 405, IssueType.NOTSUPPORTED, "Only GET and HEAD read this path");
                return;
            }
            if (op == Operation.WADO_RS) {
                dicomweb.serve(context.organization().get(), context.rest(), request, response);
            } else {
                page.serve(context.rest(), request, response);
            }
        }
    }
}
