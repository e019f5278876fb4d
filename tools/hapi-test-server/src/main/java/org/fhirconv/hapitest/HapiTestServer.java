package org.fhirconv.hapitest;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.PackageLoaderConfig;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR JPA server (R4) for fhirconv's integration tests.
 *
 * <p>Spring Boot is used only for its embedded Tomcat: no auto-configuration is enabled, so
 * nothing is wired that this file does not name. Data lives in an H2 file database so that a
 * restart keeps what was uploaded (the "stop the server mid-upload" test relies on it).
 *
 * <p>Settings (system properties): {@code hapi.port} (default 8080), {@code hapi.address}
 * (default 127.0.0.1), {@code hapi.db} (H2 file path without extension, default ./.hapi/db/hapi).
 */
@Configuration
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  ThreadPoolFactoryConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  PackageLoaderConfig.class,
  SubscriptionChannelConfig.class
})
public class HapiTestServer {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(HapiTestServer.class);
    // HAPI's own configuration has bean cycles (search param registry <-> matchers).
    app.setAllowCircularReferences(true);
    // Stop taking requests as soon as shutdown begins: HAPI's own beans take many seconds to stop,
    // and a server that keeps answering meanwhile is not "stopped" for a client.
    app.addListeners(
        (ApplicationListener<ContextClosedEvent>)
            event -> {
              if (event.getApplicationContext() instanceof ServletWebServerApplicationContext ctx
                  && ctx.getWebServer() != null) {
                ctx.getWebServer().stop();
              }
            });
    app.run(args);
  }

  @Bean
  public TomcatServletWebServerFactory servletWebServerFactory() throws UnknownHostException {
    int port = Integer.parseInt(System.getProperty("hapi.port", "8080"));
    String address = System.getProperty("hapi.address", "127.0.0.1");
    TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(port);
    factory.setAddress(InetAddress.getByName(address));
    return factory;
  }

  @Bean
  public DataSource dataSource() {
    String dbPath = System.getProperty("hapi.db", "./.hapi/db/hapi");
    BasicDataSource ds = new BasicDataSource();
    ds.setDriver(new org.h2.Driver());
    // WRITE_DELAY=0: commit to disk before answering. H2's default (500 ms) lost the last acknowledged
    // transactions on kill -9, which made crash/retry tests meaningless.
    ds.setUrl("jdbc:h2:file:" + dbPath + ";WRITE_DELAY=0");
    ds.setUsername("sa");
    ds.setPassword("");
    ds.setMaxTotal(10);
    return ds;
  }

  @Bean
  public JpaStorageSettings storageSettings() {
    JpaStorageSettings s = new JpaStorageSettings();
    // Transactions with conditional creates and urn:uuid references are what fhirconv sends.
    s.setAllowExternalReferences(false);
    s.setEnforceReferentialIntegrityOnWrite(true);
    s.setAutoCreatePlaceholderReferenceTargets(false);
    s.setIndexMissingFields(JpaStorageSettings.IndexEnabledEnum.DISABLED);
    // Tests count resources before and after an upload: a cached search answer would hide changes.
    s.setReuseCachedSearchResultsForMillis(null);
    return s;
  }

  @Bean
  public PackagePreloader packagePreloader(
      org.springframework.beans.factory.ObjectProvider<ca.uhn.fhir.jpa.packages.IPackageInstallerSvc>
          installer) {
    return new PackagePreloader(installer);
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource) {
    LocalContainerEntityManagerFactoryBean emf =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    emf.setPersistenceUnitName("HAPI_PU");
    emf.setDataSource(dataSource);
    Properties p = new Properties();
    p.put("hibernate.dialect", HapiFhirH2Dialect.class.getName());
    p.put("hibernate.hbm2ddl.auto", "update");
    p.put("hibernate.format_sql", "false");
    p.put("hibernate.show_sql", "false");
    p.put("hibernate.search.enabled", "false");
    emf.setJpaProperties(p);
    return emf;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory emf) {
    JpaTransactionManager tm = new JpaTransactionManager();
    tm.setEntityManagerFactory(emf);
    return tm;
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(
      FhirContext fhirContext,
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviderFactory,
      JpaSystemProvider<?, ?> systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider) {
    RestfulServer server = new RestfulServer(fhirContext);
    server.registerProviders(resourceProviderFactory.createProviders());
    server.registerProvider(systemProvider);
    server.setPagingProvider(pagingProvider);
    server.setDefaultPrettyPrint(false);
    server.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport));
    ServletRegistrationBean<RestfulServer> reg = new ServletRegistrationBean<>(server, "/fhir/*");
    reg.setName("fhir");
    reg.setLoadOnStartup(1);
    return reg;
  }
}
