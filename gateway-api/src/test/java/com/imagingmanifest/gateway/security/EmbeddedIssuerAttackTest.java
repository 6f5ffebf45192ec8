package com.imagingmanifest.gateway.security;

/**
 * {@link TokenAttackTest} against the embedded issuer (RS256 with the key in the data directory, typed
 * {@code at+jwt}, no audience).
 */
class EmbeddedIssuerAttackTest extends TokenAttackTest {

    @Override
    ForgedTokens forgedTokens() {
        return new ForgedTokens(TestTokens.key(DATA_DIR), GatewaySecurityProperties.EMBEDDED_ISSUER, null,
                LocalTokenIssuer.TOKEN_TYPE);
    }
}
