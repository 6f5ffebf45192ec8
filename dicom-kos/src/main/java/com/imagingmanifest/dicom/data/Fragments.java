package com.imagingmanifest.dicom.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item and the fragments, kept as
 * bytes and never decoded.
 */
public final class Fragments {
    private final List<byte[]> items;

    public Fragments() {
        this.items = new ArrayList<>();
    }

    Fragments(Fragments other) {
        this.items = new ArrayList<>(other.items.size());
        for (byte[] b : other.items) {
            items.add(b.clone());
        }
    }

    /** Item 0 is the Basic Offset Table (possibly empty). */
    public List<byte[]> items() {
        return items;
    }

    public void add(byte[] fragment) {
        items.add(fragment);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Fragments f) || f.items.size() != items.size()) {
            return false;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!java.util.Arrays.equals(items.get(i), f.items.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return items.size();
    }
}
