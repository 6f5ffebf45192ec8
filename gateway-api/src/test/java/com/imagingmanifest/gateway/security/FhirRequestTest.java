package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.gateway.security.FhirRequest.Operation;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FhirRequestTest {

    private static FhirRequest parse(String method, String path) {
        return FhirRequest.parse(method, path).orElseThrow();
    }

    @Test
    void classifiesTheInteractions() {
        String base = "/organizations/demo/fhir/3";
        Object[][] cases = {
            {"GET", base + "/metadata", Operation.METADATA},
            {"GET", base + "/ImagingManifest/1", Operation.READ},
            {"HEAD", base + "/ImagingManifest/1", Operation.READ},
            {"GET", base + "/ImagingManifest/1/_history/2", Operation.VREAD},
            {"GET", base + "/ImagingManifest/1/_history", Operation.HISTORY_INSTANCE},
            {"GET", base + "/ImagingManifest/_history", Operation.HISTORY_TYPE},
            {"GET", base + "/_history", Operation.HISTORY_SYSTEM},
            {"GET", base + "/ImagingManifest", Operation.SEARCH_TYPE},
            {"POST", base + "/ImagingManifest/_search", Operation.SEARCH_TYPE},
            {"POST", base + "/_search", Operation.SEARCH_SYSTEM},
            {"POST", base + "/ImagingManifest", Operation.CREATE},
            {"PUT", base + "/ImagingManifest/1", Operation.UPDATE},
            {"PUT", base + "/ImagingManifest", Operation.UPDATE},
            {"PATCH", base + "/ImagingManifest/1", Operation.PATCH},
            {"DELETE", base + "/ImagingManifest/1", Operation.DELETE},
            {"POST", base, Operation.TRANSACTION},
            {"POST", base + "/ImagingManifest/1/$validate", Operation.EXTENDED_OPERATION_WRITE},
            {"POST", base + "/ImagingManifest/1/_history/2", Operation.OTHER_WRITE},
            {"POST", base + "/metadata", Operation.OTHER_WRITE},
            {"GET", "/organizations/demo/other", Operation.OTHER_READ},
            {"GET", "/organizations/demo/dicomweb/studies/1/series/2/instances/3/rendered", Operation.WADO_RS},
            {"HEAD", "/organizations/demo/dicomweb", Operation.WADO_RS},
            {"POST", "/organizations/demo/dicomweb/studies", Operation.OTHER_WRITE},
            {"GET", "/organizations/demo/viewer/ImagingManifest/1", Operation.VIEWER},
        };
        for (Object[] c : cases) {
            assertEquals(c[2], parse((String) c[0], (String) c[1]).operation(), c[0] + " " + c[1]);
        }
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
        FhirRequest r = parse("GET", "/organizations/org%2D1/fhir/3/ImagingManifest/a%20b");
        assertEquals("org-1", r.organization());
        assertEquals("ImagingManifest/a b", r.resourceReference());
        assertEquals("%zz", parse("GET", "/organizations/%zz/fhir/3").organization(), "malformed stays as sent");
        assertEquals(Optional.empty(), FhirRequest.parse("GET", "/actuator/health"));
        assertEquals(Optional.empty(), FhirRequest.parse("GET", "/organizations/"));
    }

    @Test
    void smartScopes() {
        assertTrue(SmartScopes.of("user/ImagingManifest.read").allows("ImagingManifest", false));
        assertFalse(SmartScopes.of("user/ImagingManifest.read").allows("ImagingManifest", true));
        assertTrue(SmartScopes.of("system/*.write").allows("ImagingManifest", true));
        assertTrue(SmartScopes.of(java.util.List.of("user/ImagingManifest.*")).allows(null, true));
        assertFalse(SmartScopes.of("patient/ImagingManifest.*").allows("ImagingManifest", false));
        assertFalse(SmartScopes.of("user/Patient.*").allows("ImagingManifest", false));
        assertFalse(SmartScopes.of("user/ImagingManifest.readx").allows("ImagingManifest", false));
        assertFalse(SmartScopes.of(null).allows("ImagingManifest", false));
    }
}
