import { credentialCertificateType, type Credential } from "../credentials";
import type { PhytosanitaryCertificateCredential } from "../credentials/phytosanitary-certificate";
import { CertLedgerError } from "../../errors";

/** The credential as a phytosanitary certificate, or NOT_PHYTOSANITARY_CERTIFICATE naming what it is: only those have an SPS form. */
export function phytosanitaryCredentialOf(vc: Credential): PhytosanitaryCertificateCredential {
  const type = credentialCertificateType(vc);
  if (type !== "phytosanitaryCertificate") {
    throw new CertLedgerError(
      "NOT_PHYTOSANITARY_CERTIFICATE",
      `the credential is a ${type} (${vc.type[1]}), not a phytosanitary certificate: only phytosanitary certificates have an SPS XML form`,
      { details: { certificateType: type } },
    );
  }
  return vc as PhytosanitaryCertificateCredential;
}
