package com.imagingmanifest.gateway.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What the security layer learnt about a request, left as request attributes for the access log and
 * the audit record, which are written after the security filters have cleared their context.
 */
public final class RequestAudit {

    private static final String SUBJECT = RequestAudit.class.getName() + ".subject";
    private static final String CLIENT = RequestAudit.class.getName() + ".client";
    private static final String DENIAL = RequestAudit.class.getName() + ".denial";

    private RequestAudit() {
    }

    static void authenticated(HttpServletRequest request, String subject, String client) {
        request.setAttribute(SUBJECT, subject);
        request.setAttribute(CLIENT, client);
    }

    static void denied(HttpServletRequest request, String reason) {
        request.setAttribute(DENIAL, reason);
    }

    /** The token's {@code sub}, or null when no valid token came with the request. */
    public static String subject(HttpServletRequest request) {
        return (String) request.getAttribute(SUBJECT);
    }

    /** The token's {@code client_id} or {@code azp}, or null. */
    public static String client(HttpServletRequest request) {
        return (String) request.getAttribute(CLIENT);
    }

    /** Why the request was refused (missing-token, invalid-token, insufficient-scope, organization-mismatch), or null. */
    public static String denial(HttpServletRequest request) {
        return (String) request.getAttribute(DENIAL);
    }
}
