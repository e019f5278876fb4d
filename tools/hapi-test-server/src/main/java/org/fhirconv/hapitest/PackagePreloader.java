package org.fhirconv.hapitest;

import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Stores the NPM packages named in the {@code hapi.packages} system property (comma-separated
 * {@code .tgz} files named {@code NAME#VERSION.tgz}) in HAPI's package cache, so {@code $validate}
 * checks resources against their profiles (e.g. IPS). The script packs them from
 * {@code ~/.fhir/packages}: nothing is fetched from a registry here ({@code fetchDependencies} is off).
 *
 * <p>Runs after every singleton is created and before the web server opens its port, so a server
 * that answers {@code /metadata} already has its packages.
 */
public class PackagePreloader implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(PackagePreloader.class);
  private final ObjectProvider<IPackageInstallerSvc> installer;

  public PackagePreloader(ObjectProvider<IPackageInstallerSvc> installer) {
    this.installer = installer;
  }

  @Override
  public void afterSingletonsInstantiated() {
    String list = System.getProperty("hapi.packages", "").trim();
    if (list.isEmpty()) {
      return;
    }
    for (String item : list.split(",")) {
      Path file = Path.of(item.trim());
      String base = file.getFileName().toString().replaceFirst("\\.tgz$", "");
      int hash = base.lastIndexOf('#');
      if (hash <= 0) {
        throw new IllegalArgumentException("hapi.packages: " + file + " is not named NAME#VERSION.tgz");
      }
      try {
        PackageInstallationSpec spec =
            new PackageInstallationSpec()
                .setName(base.substring(0, hash))
                .setVersion(base.substring(hash + 1))
                .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_ONLY)
                .setFetchDependencies(false)
                .setPackageContents(Files.readAllBytes(file));
        installer.getObject().install(spec);
        LOG.info("stored package {}", base);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read package " + file, e);
      }
    }
  }
}
