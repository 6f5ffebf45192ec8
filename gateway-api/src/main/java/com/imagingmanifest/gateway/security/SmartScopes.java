package com.imagingmanifest.gateway.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART on FHIR (v1) resource scopes a token carries: {@code user/ImagingManifest.read},
 * {@code system/*.write}, {@code user/ImagingManifest.*} and so on. {@code patient/} scopes are not
 * honoured: this server cannot restrict a request to one patient's compartment, so they grant nothing.
 */
public final class SmartScopes {

    // SMART App Launch 1.0 "Scopes for requesting clinical data": (patient|user)/(type|*).(read|write|*);
    // SMART Backend Services adds system/.
    private static final Pattern RESOURCE_SCOPE =
            Pattern.compile("(user|system|patient)/(\\*|[A-Z][A-Za-z]{0,63})\\.(read|write|\\*)");

    /**
     * The two FHIR views of one manifest (STU3 ImagingManifest, R5 ImagingSelection): a grant on either
     * is a grant on both, since they read and write the same KOS (docs/security.md).
     */
    private static final Set<String> VIEWS = Set.of("ImagingManifest", "ImagingSelection");

    private record Grant(String resourceType, boolean read, boolean write) {
    }

    private final Set<Grant> grants;

    private SmartScopes(Set<Grant> grants) {
        this.grants = grants;
    }

    /** Reads the {@code scope} claim (space separated, RFC 8693 4.2) or an {@code scp} list. */
    public static SmartScopes of(Object scopeClaim) {
        Set<String> scopes = new LinkedHashSet<>();
        if (scopeClaim instanceof String s) {
            for (String scope : s.trim().split("\\s+")) {
                scopes.add(scope);
            }
        } else if (scopeClaim instanceof Collection<?> list) {
            for (Object scope : list) {
                scopes.add(String.valueOf(scope));
            }
        }
        Set<Grant> grants = new LinkedHashSet<>();
        for (String scope : scopes) {
            Matcher m = RESOURCE_SCOPE.matcher(scope);
            if (m.matches() && !m.group(1).equals("patient")) {
                String access = m.group(3);
                grants.add(new Grant(m.group(2), !access.equals("write"), !access.equals("read")));
            }
        }
        return new SmartScopes(grants);
    }

    /**
     * Whether these scopes allow reading ({@code write == false}) or writing {@code resourceType}; a null
     * type (whole-system interaction) needs a grant on {@code ImagingManifest} or {@code *}, the only
     * type this server holds.
     */
    public boolean allows(String resourceType, boolean write) {
        String type = resourceType != null ? resourceType : "ImagingManifest";
        for (Grant g : grants) {
            if ((g.resourceType.equals("*") || g.resourceType.equals(type)
                    || (VIEWS.contains(type) && VIEWS.contains(g.resourceType))) && (write ? g.write : g.read)) {
                return true;
            }
        }
        return false;
    }
}
