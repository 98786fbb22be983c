package io.github.junitmirage.dom0;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import io.github.junitmirage.Dom0ConnectionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Vector;

/**
 * The keys a session offers, as OpenSSH's client would: the configured key file (decrypted with
 * its passphrase when it has one), then the keys an ssh-agent holds.
 */
final class Identities {
  private Identities() {}

  static void configure(JSch jsch, Dom0Settings s) throws JSchException {
    boolean agent = s.agentSocket() != null;
    if (Files.isReadable(s.keyFile())) {
      KeyPair key = KeyPair.load(jsch, s.keyFile().toString());
      if (key.isEncrypted() && s.keyPassphrase() == null) {
        if (!agent) {
          throw new Dom0ConnectionException("the SSH key " + s.keyFile() + " for dom0 "
              + s.describe() + " is protected by a passphrase: load it into ssh-agent (ssh-add "
              + s.keyFile() + ") or set junit.mirage.dom0.keyPassphrase (environment: "
              + "JUNIT_MIRAGE_DOM0_KEY_PASSPHRASE)");
        }
        // the agent may hold it; OpenSSH's client would ask for the passphrase, we cannot
      } else if (key.isEncrypted() && !key.decrypt(s.keyPassphrase())) {
        throw new Dom0ConnectionException("the passphrase given for the SSH key " + s.keyFile()
            + " (junit.mirage.dom0.keyPassphrase) does not open it");
      } else {
        jsch.addIdentity(s.keyFile().toString(), s.keyPassphrase() == null ? null
            : s.keyPassphrase().getBytes(StandardCharsets.UTF_8));
      }
    } else if (!agent) {
      throw new Dom0ConnectionException("SSH key " + s.keyFile() + " for dom0 " + s.describe()
          + " does not exist or is not readable, and no ssh-agent is configured: set "
          + "junit.mirage.dom0.key to your private key, or run ssh-agent (SSH_AUTH_SOCK)");
    }
    if (agent) {
      AgentIdentityRepository keys;
      try {
        keys = new AgentIdentityRepository(
            new SSHAgentConnector(new UnixDomainSocketFactory(), s.agentSocket()));
      } catch (AgentProxyException | RuntimeException e) {
        throw new Dom0ConnectionException("cannot use the ssh-agent at " + s.agentSocket()
            + ": " + e.getMessage(), e);
      }
      jsch.setIdentityRepository(new FileThenAgent(jsch.getIdentityRepository(), keys));
    }
  }

  /** What was offered, for messages. */
  static String describe(Dom0Settings s) {
    return "the key " + s.keyFile() + (s.agentSocket() == null ? ""
        : " and the keys of the ssh-agent at " + s.agentSocket());
  }

  /** The file's identity first, then the agent's; adding and removing go to the file's. */
  private record FileThenAgent(IdentityRepository file, IdentityRepository agent)
      implements IdentityRepository {
    @Override
    public String getName() {
      return file.getName() + " + " + agent.getName();
    }

    @Override
    public int getStatus() {
      return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
      Vector<Identity> all = new Vector<>(file.getIdentities());
      if (agent.getStatus() == RUNNING) {
        all.addAll(agent.getIdentities());
      }
      return all;
    }

    @Override
    public boolean add(byte[] identity) {
      return file.add(identity);
    }

    @Override
    public boolean remove(byte[] blob) {
      return file.remove(blob);
    }

    @Override
    public void removeAll() {
      file.removeAll();
    }
  }
}
