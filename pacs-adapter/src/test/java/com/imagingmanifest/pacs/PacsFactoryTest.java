package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.imagingmanifest.testing.PrivateOrthanc;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacsFactoryTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();

    private static PacsBinding binding(PacsBinding.Kind kind, String host, URI dicomweb, URI rest) {
        return new PacsBinding(kind, ORTHANC.aeTitle(), host, ORTHANC.dicomPort(), "GW", dicomweb, null, rest,
                ORTHANC.username(), ORTHANC.password(), SupersededPolicy.DELETE, null, null);
    }

    @Test
    void eachKindOpensItsImplementation() {
        try (Pacs a = PacsFactory.open(binding(PacsBinding.Kind.DICOMWEB, null, ORTHANC.dicomwebUrl(), null));
                Pacs b = PacsFactory.open(binding(PacsBinding.Kind.ORTHANC, null, ORTHANC.dicomwebUrl(), null));
                Pacs c = PacsFactory.open(binding(PacsBinding.Kind.DIMSE, ORTHANC.host(), null, null))) {
            assertInstanceOf(DicomwebPacs.class, a);
            assertInstanceOf(OrthancPacs.class, b);
            assertInstanceOf(DimsePacs.class, c);
        }
    }

    @Test
    void orthancRestBaseDefaultsToTheParentOfItsDicomwebBase() throws Exception {
        try (Pacs p = PacsFactory.open(binding(PacsBinding.Kind.ORTHANC, null, ORTHANC.dicomwebUrl(), null))) {
            p.check(); // GET {parent}/system answers only if the derived REST base is right
            assertEquals(true, p.supports(SupersededPolicy.DELETE));
        }
    }

    @Test
    void aBindingWithoutWhatItsKindNeedsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PacsFactory.open(binding(PacsBinding.Kind.DICOMWEB, null, null, null)));
        assertThrows(IllegalArgumentException.class,
                () -> PacsFactory.open(binding(PacsBinding.Kind.ORTHANC, null, null, URI.create(ORTHANC.restUrl()))));
        assertThrows(IllegalArgumentException.class,
                () -> PacsFactory.open(binding(PacsBinding.Kind.DIMSE, null, null, null)));
    }

    @Test
    void defaultsApplyWhenTimeoutsAreMissing() {
        PacsBinding b = binding(PacsBinding.Kind.DIMSE, "h", null, null);
        assertEquals(Duration.ofSeconds(5), PacsFactory.connectTimeout(b));
        assertEquals(Duration.ofSeconds(30), PacsFactory.responseTimeout(b));
    }
}
