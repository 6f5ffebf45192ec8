package com.imagingmanifest.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.imagingmanifest.gateway.web.RequestTarget.Base;
import com.imagingmanifest.gateway.web.RequestTarget.Operation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

    private static RequestTarget parse(String method, String path) {
        return RequestTarget.parse(method, path).orElseThrow(() -> new AssertionError("not parsed: " + path));
    }

    @Test
    void classifiesTheInteractionsOnBothFhirVersions() {
        for (String version : List.of("3", "5")) {
            String base = "/organizations/demo/fhir/" + version;
            Object[][] cases = {
                {"GET", base + "/metadata", Operation.METADATA},
                {"GET", base + "/ImagingManifest/1", Operation.READ},
                {"HEAD", base + "/ImagingManifest/1", Operation.READ},
                {"GET", base + "/ImagingManifest/1/_history/2", Operation.VREAD},
                {"GET", base + "/ImagingManifest/1/_history", Operation.HISTORY_INSTANCE},
                {"GET", base + "/ImagingManifest/_history", Operation.HISTORY_TYPE},
                {"GET", base + "/_history", Operation.HISTORY_SYSTEM},
                {"GET", base + "/ImagingManifest", Operation.SEARCH_TYPE},
                {"GET", base + "/ImagingManifest/", Operation.SEARCH_TYPE},
                {"POST", base + "/ImagingManifest/_search", Operation.SEARCH_TYPE},
                {"POST", base + "/_search", Operation.SEARCH_SYSTEM},
                {"GET", base + "/_search", Operation.SEARCH_SYSTEM},
                {"POST", base + "/ImagingManifest", Operation.CREATE},
                {"PUT", base + "/ImagingManifest/1", Operation.UPDATE},
                {"PUT", base + "/ImagingManifest", Operation.UPDATE},
                {"PATCH", base + "/ImagingManifest/1", Operation.PATCH},
                {"DELETE", base + "/ImagingManifest/1", Operation.DELETE},
                {"DELETE", base + "/ImagingManifest", Operation.DELETE},
                {"POST", base, Operation.TRANSACTION},
                {"GET", base, Operation.OTHER_READ},
                {"GET", base + "/ImagingManifest/1/$everything", Operation.EXTENDED_OPERATION_READ},
                {"POST", base + "/ImagingManifest/1/$validate", Operation.EXTENDED_OPERATION_WRITE},
                {"POST", base + "/ImagingManifest/1/_history/2", Operation.OTHER_WRITE},
                {"POST", base + "/ImagingManifest/_history", Operation.OTHER_WRITE},
                {"POST", base + "/ImagingManifest/1", Operation.OTHER_WRITE},
                {"GET", base + "/ImagingManifest/1/x/y/z", Operation.OTHER_READ},
                {"POST", base + "/metadata", Operation.OTHER_WRITE},
                {"GET", base + "/unknown", Operation.OTHER_READ},
            };
            for (Object[] c : cases) {
                RequestTarget t = parse((String) c[0], (String) c[1]);
                assertEquals(c[2], t.operation(), c[0] + " " + c[1]);
                assertEquals(Base.FHIR, t.base(), (String) c[1]);
                assertEquals(version, t.fhirVersion(), (String) c[1]);
            }
        }
    }

    @Test
    void viewerBasesAndOtherPaths() {
        Object[][] cases = {
            {"GET", "/organizations/demo/dicomweb/studies/1/series/2/instances/3/rendered", Base.DICOMWEB,
                Operation.WADO_RS},
            {"HEAD", "/organizations/demo/dicomweb", Base.DICOMWEB, Operation.WADO_RS},
            {"POST", "/organizations/demo/dicomweb/studies", Base.DICOMWEB, Operation.OTHER_WRITE},
            {"GET", "/organizations/demo/viewer/ImagingManifest/1", Base.VIEWER, Operation.VIEWER},
            {"DELETE", "/organizations/demo/viewer/ImagingManifest/1", Base.VIEWER, Operation.OTHER_WRITE},
            {"GET", "/organizations/demo/other", Base.OTHER, Operation.OTHER_READ},
            {"GET", "/organizations/demo", Base.OTHER, Operation.OTHER_READ},
            {"GET", "/organizations/demo/fhir", Base.OTHER, Operation.OTHER_READ},
            {"GET", "/organizations/demo/fhir/4/metadata", Base.OTHER, Operation.OTHER_READ},
            {"PUT", "/organizations/demo/fhir/R5/ImagingSelection/1", Base.OTHER, Operation.OTHER_WRITE},
            {"GET", "/organizations/demo/FHIR/3/metadata", Base.OTHER, Operation.OTHER_READ},
        };
        for (Object[] c : cases) {
            RequestTarget t = parse((String) c[0], (String) c[1]);
            assertEquals(c[2], t.base(), c[0] + " " + c[1]);
            assertEquals(c[3], t.operation(), c[0] + " " + c[1]);
            assertNull(t.fhirVersion(), (String) c[1]);
            assertEquals("demo", t.organization(), (String) c[1]);
        }
    }

    @Test
    void theRestAfterTheBaseKeepsATrailingSlash() {
        assertEquals(List.of("studies", "1", "series", "2", "instances", "3", "frames", "1"),
                parse("GET", "/organizations/demo/dicomweb/studies/1/series/2/instances/3/frames/1").rest());
        assertEquals(List.of("ImagingManifest", "a b"), parse("GET", "/organizations/demo/viewer/ImagingManifest/a%20b")
                .rest());
        // the viewer's 404 for "ImagingManifest/x/" depends on this (one segment more than a page)
        assertEquals(List.of("ImagingManifest", "x", ""), parse("GET", "/organizations/demo/viewer/ImagingManifest/x/")
                .rest());
        assertEquals(List.of(), parse("GET", "/organizations/demo/dicomweb").rest());
        assertEquals("ImagingManifest/1/_history/2",
                parse("GET", "/organizations/demo/fhir/5/ImagingManifest/1/_history/2").restPath());
        assertEquals("", parse("GET", "/organizations/demo/fhir/3").restPath());
        assertEquals("", parse("GET", "/organizations/demo/fhir/3/").restPath());
        assertEquals(".well-known/smart-configuration",
                parse("GET", "/organizations/demo/fhir/3/.well-known/smart-configuration").restPath());
        assertEquals("ImagingManifest/", parse("GET", "/organizations/demo/fhir/3/ImagingManifest/").restPath());
    }

    @Test
    void onlySafeMethodsAndSearchesAreReads() {
        for (Operation op : Operation.values()) {
            boolean read = op.name().startsWith("SEARCH") || op.name().startsWith("HISTORY")
                    || op == Operation.READ || op == Operation.VREAD || op == Operation.METADATA
                    || op == Operation.EXTENDED_OPERATION_READ || op == Operation.OTHER_READ
                    || op == Operation.WADO_RS || op == Operation.VIEWER;
            assertEquals(!read, op.write(), op.name());
        }
    }

    @Test
    void organizationAndResourceAreDecoded() {
        RequestTarget r = parse("GET", "/organizations/org%2D1/fhir/3/ImagingManifest/a%20b");
        assertEquals("org-1", r.organization());
        assertEquals("ImagingManifest", r.resourceType());
        assertEquals("a b", r.id());
        assertEquals("ImagingManifest/a b", r.resourceReference());
        assertNull(parse("GET", "/organizations/demo/fhir/3/ImagingManifest").resourceReference());
        assertEquals("%zz", parse("GET", "/organizations/%zz/fhir/3").organization(), "malformed stays as sent");
    }

    @Test
    void pathsOutsideAnOrganizationAreNotParsed() {
        for (String path : List.of("/actuator/health", "/organizations", "/organizations/", "//fhir/3",
                "/organizations//fhir/3/metadata", "/", "", "/other/demo/fhir/3")) {
            assertEquals(Optional.empty(), RequestTarget.parse("GET", path), path);
        }
    }
}
