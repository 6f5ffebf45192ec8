package com.imagingmanifest.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh, uniquely named PostgreSQL database for one test (class), dropped on close. The server is
 * the local one on 127.0.0.1:5432 with trust authentication for user postgres; {@code PGHOST},
 * {@code PGPORT}, {@code PGUSER} and {@code PGPASSWORD} override that.
 */
public final class PostgresDatabase implements AutoCloseable {

    private static final String HOST = env("PGHOST", "127.0.0.1");
    private static final String PORT = env("PGPORT", "5432");
    private static final String USER = env("PGUSER", "postgres");
    private static final String PASSWORD = env("PGPASSWORD", "");
    private static final int TIMEOUT_SECONDS = 10;

    private final String name;
    private boolean dropped;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code gwtest_<random>}; fails with how to start the server if it is not reachable. */
    public static PostgresDatabase create() {
        String name = "gwtest_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE DATABASE " + name);
        return new PostgresDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return url(name);
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** A new connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), properties());
    }

    @Override
    public synchronized void close() {
        if (!dropped) {
            // FORCE (PostgreSQL 13+) ends sessions a connection pool may still hold.
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            dropped = true;
        }
    }

    @Override
    public String toString() {
        return jdbcUrl();
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url("postgres"), properties());
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS * 3);
            statement.execute(sql);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new IllegalStateException("PostgreSQL not reachable at " + HOST + ":" + PORT + " as " + USER
                        + " (" + e.getMessage() + "): start it with"
                        + " pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
            }
            throw new IllegalStateException(sql + " failed on " + HOST + ":" + PORT + ": " + e.getMessage(), e);
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS * 6));
        return properties;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
