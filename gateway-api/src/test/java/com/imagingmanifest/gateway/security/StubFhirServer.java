package com.imagingmanifest.gateway.security;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * A stand-in for the FHIR server under {@code /organizations/*}: answers like a FHIR server would
 * (201 with a versioned Location on create, ETag on update, 204 on delete, a JSON body otherwise) and
 * logs one line per request, so tests see what the security and logging layers let through and add.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StubFhirServer {

    public static final String LOGGER = "stub-fhir";

    @Bean
    ServletRegistrationBean<HttpServlet> stubFhirServlet() {
        return new ServletRegistrationBean<>(new Servlet(), "/organizations/*");
    }

    static final class Servlet extends HttpServlet {
        private static final Logger log = LoggerFactory.getLogger(LOGGER);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            log.info("stub handling {} {}", request.getMethod(), request.getRequestURI());
            String base = request.getRequestURL().toString();
            switch (request.getMethod()) {
                case "POST" -> {
                    if (request.getRequestURI().endsWith("/_search")) {
                        body(response, 200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}");
                    } else {
                        response.setHeader("Location", base + "/42/_history/1");
                        response.setHeader("ETag", "W/\"1\"");
                        body(response, 201, "{\"resourceType\":\"ImagingManifest\",\"id\":\"42\"}");
                    }
                }
                case "PUT", "PATCH" -> {
                    response.setHeader("ETag", "W/\"2\"");
                    body(response, 200, "{\"resourceType\":\"ImagingManifest\",\"id\":\"42\"}");
                }
                case "DELETE" -> response.setStatus(204);
                default -> body(response, 200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}");
            }
        }

        private static void body(HttpServletResponse response, int status, String json) throws IOException {
            response.setStatus(status);
            response.setContentType("application/fhir+json;charset=UTF-8");
            response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
