package com.imagingmanifest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresDatabaseTest {

    @Test
    void createsAFreshDatabaseThatAnswersAndDropsIt() throws Exception {
        String name;
        try (PostgresDatabase first = PostgresDatabase.create(); PostgresDatabase second = PostgresDatabase.create()) {
            name = first.name();
            assertNotEquals(first.jdbcUrl(), second.jdbcUrl());
            try (Connection connection = DriverManager.getConnection(first.jdbcUrl(), first.username(),
                    first.password()); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select 1, current_database()")) {
                assertTrue(rows.next());
                assertEquals(1, rows.getInt(1));
                assertEquals(name, rows.getString(2));
            }
            // closed pooled-style connections must not stop the drop: keep one open on purpose
            Connection stillOpen = first.connect();
            assertFalse(stillOpen.isClosed());
        }
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + System.getenv().getOrDefault("PGHOST", "127.0.0.1") + ":"
                        + System.getenv().getOrDefault("PGPORT", "5432") + "/postgres",
                System.getenv().getOrDefault("PGUSER", "postgres"), System.getenv().getOrDefault("PGPASSWORD", ""));
             Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from pg_database where datname = '" + name + "'")) {
            assertTrue(rows.next());
            assertEquals(0, rows.getInt(1), "database dropped on close");
        }
    }
}
