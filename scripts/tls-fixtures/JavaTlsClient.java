// Java (JSSE) TLS client for scripts/make-tls-fixtures. Run with the single-file launcher:
//   java JavaTlsClient.java HOST PORT SNI CA_PEM PROTOCOL      (PROTOCOL: TLSv1.3 or TLSv1.2)
// Trusts only CA_PEM, sends SNI and ALPN http/1.1, checks the server name, writes one line, prints the reply,
// then closes (close_notify).
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class JavaTlsClient {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String sni = args[2];
        String protocol = args[4];

        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(args[3])) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("wirebeat-test-root", ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            params.setProtocols(new String[] {protocol});
            params.setApplicationProtocols(new String[] {"http/1.1"});
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            System.out.println("protocol " + socket.getSession().getProtocol() + " cipher " + socket.getSession().getCipherSuite()
                + " alpn " + socket.getApplicationProtocol());
            OutputStream out = socket.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            System.out.println("reply " + reader.readLine());
        }
    }
}
