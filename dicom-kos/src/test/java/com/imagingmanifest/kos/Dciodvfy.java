package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.fail;

import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Runs dicom3tools' dciodvfy on a KOS and fails on any error or on a warning not in the allow list. */
final class Dciodvfy {
    /**
     * Warnings dciodvfy gives for every correct KOS, with why each is acceptable. A new warning fails
     * the test, so that it is looked at.
     */
    static final List<Pattern> ALLOWED_WARNINGS = List.of(
            // dciodvfy does not implement SR template checking and says so on every SR document
            Pattern.compile("^W: Check for template constraints not yet supported"),
            // DICOMDIR hints for a KOS without study context: Study Date/Time/ID are type 2, empty is legal
            Pattern.compile("^Warning - Missing attribute or value that would be needed to build DICOMDIR - (Patient ID|Study Date|Study Time|Study ID)$"),
            // Retrieve URL (0008,1190) is in the Hierarchical Series Reference of PS3.3 (Table 10-4, added
            // with DICOMweb); the installed dicom3tools tables predate it. Only this attribute is excused:
            // any other unknown attribute still fails with its own "not present" warning.
            Pattern.compile("^Warning - Attribute is not present in standard DICOM IOD - \\(0x0008,0x1190\\) UR Retrieve URL$"),
            Pattern.compile("^Warning - Dicom dataset contains attributes not present in standard DICOM IOD - this is a Standard Extended SOP Class$"));

    private Dciodvfy() {
    }

    /** Writes {@code part10} to a temp file and verifies it; returns the full output for further checks. */
    static String verify(byte[] part10, Path dir, String name) {
        Path file = dir.resolve(name + ".dcm");
        try {
            Files.write(file, part10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return verify(file);
    }

    static String verify(Path file) {
        ToolResult r = Dcmtk.dciodvfy(file);
        String output = r.output();
        StringBuilder bad = new StringBuilder();
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.startsWith("E:") || l.startsWith("Error")) {
                bad.append("error: ").append(l).append('\n');
            } else if (l.startsWith("W:") || l.startsWith("Warning")) {
                if (ALLOWED_WARNINGS.stream().noneMatch(p -> p.matcher(l).find())) {
                    bad.append("new warning: ").append(l).append('\n');
                }
            }
        }
        if (bad.length() > 0) {
            fail("dciodvfy " + file + ":\n" + bad + "full output:\n" + output);
        }
        return output;
    }
}
