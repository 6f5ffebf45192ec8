package com.imagingmanifest.gateway.store;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The stores over one migrated database, wired as the application wires them, for tests without Spring. */
public record Stores(ManifestVersions versions, WriteIntents intents, ManifestKos kos, SelectedInstances selected) {

    public static Stores on(DataSource ds) {
        return on(JdbcClient.create(ds), new JdbcTemplate(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)));
    }

    public static Stores on(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate transactions) {
        WriteIntents intents = new WriteIntents(jdbc, transactions);
        return new Stores(new ManifestVersions(jdbc, batches, transactions, intents), intents, new ManifestKos(jdbc),
                new SelectedInstances(jdbc));
    }
}
