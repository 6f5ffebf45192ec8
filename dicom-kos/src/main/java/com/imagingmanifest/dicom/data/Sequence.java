package com.imagingmanifest.dicom.data;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/** The items of an SQ element; each item is a {@link DataSet} whose parent is the owner. */
public final class Sequence extends AbstractList<DataSet> implements RandomAccess {
    private final DataSet owner;
    private final List<DataSet> items;

    Sequence(DataSet owner) {
        this.owner = owner;
        this.items = new ArrayList<>(2);
    }

    /** A deep copy of {@code other} owned by {@code owner}. */
    Sequence(DataSet owner, Sequence other) {
        this.owner = owner;
        this.items = new ArrayList<>(other.size());
        for (DataSet item : other) {
            add(new DataSet(item));
        }
    }

    public DataSet owner() {
        return owner;
    }

    /** Appends a new empty item and returns it. */
    public DataSet addItem() {
        DataSet item = new DataSet();
        add(item);
        return item;
    }

    @Override
    public DataSet get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public void add(int index, DataSet item) {
        item.parent(owner);
        items.add(index, item);
    }

    @Override
    public DataSet set(int index, DataSet item) {
        item.parent(owner);
        return items.set(index, item);
    }

    @Override
    public DataSet remove(int index) {
        return items.remove(index);
    }
}
