package com.imagingmanifest.net.ul;

/** An accepted presentation context of an established association. */
public record PresentationContext(int id, String abstractSyntax, String transferSyntax) {
}
