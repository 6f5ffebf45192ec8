package com.imagingmanifest.net.dimse;

/**
 * Receives C-STORE requests for one application entity. The status it returns is the C-STORE
 * response, so a handler answers success only once the object is safe. An exception becomes a
 * Processing Failure (0110) with the exception's message as Error Comment.
 */
@FunctionalInterface
public interface StoreHandler {
    DimseStatus onStore(StoreRequest request);
}
