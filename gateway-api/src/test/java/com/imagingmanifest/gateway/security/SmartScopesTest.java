package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmartScopesTest {

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
