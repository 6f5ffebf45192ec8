package com.imagingmanifest.gateway.security;

import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContexts;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Spring Security for the API: stateless bearer-token authentication (OAuth 2.0 resource server, RFC
 * 6750), no sessions, no CSRF (no cookies are used, so there is nothing for a cross-site request to
 * ride on), and {@link OrganizationAccess} deciding every request under {@code /organizations/}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GatewaySecurityProperties.class, CorsProperties.class})
public class SecurityConfiguration {

    static final String REALM = "imaging-manifest-gateway";

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, GatewaySecurityProperties properties, CorsProperties cors,
            RequestContexts contexts, OperationOutcomeWriter outcomes, ObjectProvider<JwtDecoder> decoder,
            @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBase) throws Exception {
        if (cors.enabled()) {
            // before authentication: a preflight carries no token and is answered here
            http.cors(c -> c.configurationSource(corsSource(cors)));
        } else {
            http.cors(c -> c.disable());
        }
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .securityContext(context -> context.requireExplicitSave(true))
                .anonymous(anonymous -> { })
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable());
        if (!properties.enabled()) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        DeniedRequests denied = new DeniedRequests(REALM, outcomes, contexts);
        http.oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.decoder(decoder.getObject()))
                        .authenticationEntryPoint(denied)
                        .accessDeniedHandler(denied))
                .exceptionHandling(e -> e.authenticationEntryPoint(denied).accessDeniedHandler(denied))
                .authorizeHttpRequests(a -> authorize(a, properties, contexts, actuatorBase));
        return http.build();
    }

    private static void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry a,
            GatewaySecurityProperties properties, RequestContexts contexts, String actuatorBase) {
        // error dispatches only render an error the original request already earned
        a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
        // SMART discovery is read before a client has a token (SMART App Launch, "Conformance")
        a.requestMatchers("/organizations/*/fhir/*/.well-known/smart-configuration").permitAll();
        // the key-image page is static: its script asks for the token and sends it with every request
        a.requestMatchers("/organizations/*/viewer/**").permitAll();
        if (properties.openMetadata()) {
            a.requestMatchers("/organizations/*/fhir/*/metadata").permitAll();
        }
        if (properties.openHealth()) {
            // the overall status and the probes; the components (one per organization's PACS) name
            // organizations and need the admin scope (management.endpoint.health.roles)
            a.requestMatchers(HttpMethod.GET, actuatorBase + "/health", actuatorBase + "/health/liveness",
                    actuatorBase + "/health/readiness").permitAll();
        }
        if (properties.openPrometheus()) {
            a.requestMatchers(EndpointRequest.to("prometheus")).permitAll();
        }
        a.requestMatchers("/organizations/**")
                .access(new OrganizationAccess(contexts, properties.organizationClaim()));
        // the other management endpoints answer for every organization (the quarantine holds patient
        // data of all of them): an organization's token is not enough, only the admin scope
        a.requestMatchers(EndpointRequest.toAnyEndpoint()).hasAuthority("SCOPE_" + properties.adminScope());
        a.anyRequest().authenticated();
    }

    /**
     * Requests a browser viewer makes: FHIR reads and writes with a bearer token and the gateway's own
     * headers ({@code log-cdata}, {@code X-Request-Id}, named here as text: logging depends on security).
     */
    static CorsConfigurationSource corsSource(CorsProperties cors) {
        CorsConfiguration c = new CorsConfiguration();
        c.setAllowedOriginPatterns(cors.allowedOrigins());
        c.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
        c.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match",
                "If-None-Exist", "If-Modified-Since", "Prefer", "log-cdata", "X-Request-Id"));
        c.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate",
                "X-Request-Id"));
        c.setAllowCredentials(cors.allowCredentials());
        c.setMaxAge(cors.maxAge());
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", c);
        return source;
    }

    /**
     * The default claim conversion turns {@code iss} into a {@link java.net.URL} when it can; for a
     * URN such as the embedded issuer's that means a failed protocol-handler lookup through the class
     * loader on every request (a few percent of a create's CPU in the bench profile). The issuer is
     * only ever compared as text here, so it stays text.
     */
    private static final MappedJwtClaimSetConverter ISSUER_AS_TEXT = MappedJwtClaimSetConverter.withDefaults(
            Map.of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString()));

    @Bean
    @ConditionalOnProperty(name = "gateway.security.enabled", matchIfMissing = true)
    JwtDecoder jwtDecoder(GatewaySecurityProperties properties, GatewayProperties gateway,
            @Value("${gateway.security.verified-token-cache:true}") boolean cacheVerified) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(properties.clockSkew()));
        // a token without an expiry would be valid forever: refuse it
        validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
        if (properties.issuerUri() != null) {
            String issuer = properties.issuerUri().toString();
            // GatewaySecurityProperties refuses an external issuer without an audience
            validators.add(new JwtAudienceValidator(properties.audience()));
            validators.add(new TokenTypeValidator(properties.tokenTypes()));
            validators.add(new JwtIssuerValidator(issuer));
            // resolved on first use, so the gateway starts while the identity provider is still coming up
            return verified(cacheVerified, new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder d = (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(issuer);
                d.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
                d.setClaimSetConverter(ISSUER_AS_TEXT);
                return d;
            }));
        }
        NimbusJwtDecoder decoder;
        if (properties.jwkSetUri() != null) {
            validators.add(new JwtAudienceValidator(properties.audience()));
            validators.add(new TokenTypeValidator(properties.tokenTypes()));
            validators.add(new JwtIssuerValidator(properties.issuer()));
            decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri().toString())
                    .validateType(false)
                    .build();
        } else {
            if (properties.audience() != null && !properties.audience().isBlank()) {
                validators.add(new JwtAudienceValidator(properties.audience()));
            }
            // LocalTokenIssuer types every token it mints
            validators.add(new TokenTypeValidator(List.of(LocalTokenIssuer.TOKEN_TYPE)));
            validators.add(new JwtIssuerValidator(properties.embeddedIssuerName()));
            decoder = NimbusJwtDecoder.withPublicKey(publicKey(embeddedKey(gateway.dataDir())))
                    .validateType(false)
                    .build();
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        decoder.setClaimSetConverter(ISSUER_AS_TEXT);
        return verified(cacheVerified, decoder);
    }

    /** Tokens that passed the decoder are not checked again on every request (VerifiedTokens; off for the bench's A/B). */
    private static JwtDecoder verified(boolean cache, JwtDecoder decoder) {
        return cache ? new VerifiedTokens(decoder, Clock.systemUTC()) : decoder;
    }

    private static RSAKey embeddedKey(Path dataDir) {
        try {
            return SigningKey.loadOrCreate(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("JWT signing key in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static java.security.interfaces.RSAPublicKey publicKey(RSAKey key) {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException("JWT signing key: " + e.getMessage(), e);
        }
    }

    /** The embedded issuer, present only when no external issuer is configured. */
    @Bean
    @Conditional(EmbeddedIssuer.class)
    LocalTokenIssuer localTokenIssuer(GatewaySecurityProperties properties, GatewayProperties gateway) {
        return new LocalTokenIssuer(embeddedKey(gateway.dataDir()), properties.embeddedIssuerName(),
                properties.organizationClaim(), Clock.systemUTC());
    }

    /** Neither {@code gateway.security.issuer-uri} nor {@code jwk-set-uri} is set. */
    static final class EmbeddedIssuer implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment env = context.getEnvironment();
            return !env.containsProperty("gateway.security.issuer-uri")
                    && !env.containsProperty("gateway.security.jwk-set-uri");
        }
    }
}
