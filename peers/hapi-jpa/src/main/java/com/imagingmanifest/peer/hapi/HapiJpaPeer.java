package com.imagingmanifest.peer.hapi;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.dstu3.JpaDstu3Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.provider.dstu3.JpaConformanceProviderDstu3;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Meta;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR's JPA server for STU3, configured as little as it lets itself be: the bench's peer,
 * what a FHIR team would run instead of the gateway. Spring Boot makes the data source from
 * {@code spring.datasource.*} (H2 file or PostgreSQL) and the web server ({@code server.port},
 * {@code server.address}); HAPI's own configuration classes make everything else, as the
 * hapi-fhir-jpaserver-starter does, without its optional modules (CQL, MDM, subscriptions, IGs).
 *
 * <p>Departures from HAPI's defaults, each so that both servers answer the same request alike:
 * pages of 20 (the gateway's default page), and the search-result cache is off unless {@code peer.search-cache=true}: a bench that asks the same search again would
 * otherwise measure HAPI's cache rather than its search.
 */
// HAPI makes its own entity manager factory; Elasticsearch, Flyway and Thymeleaf are on the class path
// for HAPI's optional parts, and Boot would otherwise configure (and for Elasticsearch, dial) them
@SpringBootApplication(exclude = {HibernateJpaAutoConfiguration.class, ElasticsearchRestClientAutoConfiguration.class,
    FlywayAutoConfiguration.class, ThymeleafAutoConfiguration.class})
@Import({JpaDstu3Config.class, HapiJpaConfig.class, ThreadPoolFactoryConfig.class, JpaBatch2Config.class,
    Batch2JobsConfig.class, SubscriptionChannelConfig.class})
public class HapiJpaPeer {
    static final int PAGE_SIZE = 20;

    public static void main(String[] args) {
        SpringApplication.run(HapiJpaPeer.class, args);
    }

    @Bean
    public JpaStorageSettings storageSettings(@Value("${peer.search-cache:false}") boolean searchCache) {
        JpaStorageSettings settings = new JpaStorageSettings();
        if (!searchCache) {
            settings.setReuseCachedSearchResultsForMillis(null);
        }
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Primary
    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource,
            ConfigurableListableBeanFactory beans, FhirContext fhir, JpaStorageSettings settings,
            @Value("${spring.datasource.url}") String url) {
        LocalContainerEntityManagerFactoryBean factory = HapiEntityManagerFactoryUtil.newEntityManagerFactory(beans,
                fhir, settings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        factory.setJpaProperties(hibernate(url));
        return factory;
    }

    /** Hibernate as the starter sets it up by default: HAPI's dialect, schema made on start, no full-text index. */
    static Properties hibernate(String url) {
        Properties p = new Properties();
        p.put("hibernate.dialect", url.startsWith("jdbc:postgresql:") ? HapiFhirPostgresDialect.class.getName()
                : HapiFhirH2Dialect.class.getName());
        p.put("hibernate.hbm2ddl.auto", "update");
        p.put("hibernate.search.enabled", "false");
        p.put("hibernate.jdbc.batch_size", "20");
        p.put("hibernate.format_sql", "false");
        p.put("hibernate.show_sql", "false");
        return p;
    }

    @Primary
    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    @Bean
    public RestfulServer restfulServer(IFhirSystemDao<Bundle, Meta> systemDao, JpaSystemProvider<Bundle, Meta> system,
            ResourceProviderFactory providers, DatabaseBackedPagingProvider paging, JpaStorageSettings settings,
            ISearchParamRegistry searchParams) {
        RestfulServer server = new RestfulServer(systemDao.getContext());
        systemDao.getContext().setNarrativeGenerator(new NullNarrativeGenerator());
        server.registerProviders(providers.createProviders());
        // transactions and batches at the base: how the bench loads the peer
        server.registerProvider(system);
        paging.setDefaultPageSize(PAGE_SIZE);
        server.setPagingProvider(paging);
        server.setServerConformanceProvider(new JpaConformanceProviderDstu3(server, systemDao, settings, searchParams));
        return server;
    }

    @Bean
    public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
