package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import com.imagingmanifest.gateway.web.RequestTarget;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The FHIR bases of one organization, by the version segment of {@code /organizations/{org}/fhir/{3|5}}:
 * one servlet under {@code /organizations/*} (a servlet mapping cannot match a middle segment) that
 * hands each request to the HAPI server of its version, as the edge parsed it ({@link RequestContext}).
 */
final class FhirVersions extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** STU3 ImagingManifest, R5 ImagingSelection: two views of the same store (docs/architecture.md §2). */
    static final String STU3 = RequestTarget.STU3;
    static final String R5 = RequestTarget.R5;

    private final transient Map<String, HttpServlet> servers = new LinkedHashMap<>();

    FhirVersions(HttpServlet stu3, HttpServlet r5) {
        servers.put(STU3, stu3);
        servers.put(R5, r5);
    }

    /** The version segment of the request ({@code 3} or {@code 5}). */
    static String of(RequestDetails request) {
        return RequestContexts.held(request).map(RequestContext::fhirVersion).filter(R5::equals).orElse(STU3);
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        for (HttpServlet server : servers.values()) {
            server.init(config);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String version = RequestContexts.held(request).map(RequestContext::fhirVersion).orElse(null);
        servers.get(R5.equals(version) ? R5 : STU3).service(request, response);
    }

    @Override
    public void destroy() {
        servers.values().forEach(HttpServlet::destroy);
        super.destroy();
    }
}
