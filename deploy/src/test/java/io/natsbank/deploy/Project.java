package io.natsbank.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are in the repository, seen from this module's tests. */
final class Project {
  private Project() {}

  /** The repository root: the directory above this module (Maven runs tests in the module directory). */
  static Path root() {
    Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    Path root = module.getParent();
    if (root == null || !Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("deploy/k8s"))) {
      throw new IllegalStateException("cannot find the repository root above " + module);
    }
    return root;
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static Path base() {
    return path("deploy/k8s/base");
  }

  static Path minikubeOverlay() {
    return path("deploy/k8s/overlays/minikube");
  }

  static Path dockerfile(String service) {
    return path("docker/" + service + "/Dockerfile");
  }

  /** The shaded jar a module's build leaves behind, as the Dockerfiles copy it. */
  static Path serviceJar(String service) {
    return path(service + "/target/nats-bank-" + service + ".jar");
  }
}
