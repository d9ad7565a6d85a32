/**
 * The fields of the four credential forms, by the member path the API's schema uses (src/documents/credentials/*), so a
 * refusal naming `credentialSubject.goods.0.hsCode` lands next to that field. Lists (assessments, goods, commodities)
 * take one line each here; a certificate with more lines is anchored as a file or a signed credential through the API.
 */
import type { CertificateTypeName } from "./i18n";

/** One form field: where its value goes, its label (English, Russian), and how it is typed in. */
export interface FieldSpec {
  path: string;
  label: readonly [string, string];
  kind?: "text" | "textarea" | "date" | "number" | "country" | "select" | "checkbox";
  required?: boolean;
  options?: readonly string[];
  value?: string | boolean;
}

/** A fieldset of the form. */
export interface FieldGroup {
  legend: readonly [string, string];
  fields: FieldSpec[];
}

/** A credential type's form: the members it always has, and the groups of fields a person fills in. */
export interface CredentialSpec {
  fixed: [path: string, value: unknown][];
  groups: FieldGroup[];
}

const VC = "https://www.w3.org/ns/credentials/v2";
const UNTP_DCC = "https://test.uncefact.org/vocabulary/untp/dcc/0.6.0/";
const TRANSPORT_MODES = ["road", "rail", "air", "sea", "multimodal", "mail", "inlandWater", "pipeline"] as const;

const party = (path: string, en: string, ru: string, withAddress: boolean): FieldGroup => ({
  legend: [en, ru],
  fields: [
    { path: `${path}.name`, label: ["Name", "Наименование"], required: true },
    { path: `${path}.registeredId`, label: ["Registration number", "Регистрационный номер"] },
    { path: `${path}.address`, label: ["Address", "Адрес"], required: withAddress },
    { path: `${path}.countryCode`, label: ["Country (ISO code)", "Страна (код ISO)"], kind: "country", required: withAddress },
  ],
});

const assessment = (prefix: string): FieldGroup[] => [
  {
    legend: ["Assessment", "Оценка"],
    fields: [
      { path: `${prefix}.assessmentDate`, label: ["Assessment date", "Дата оценки"], kind: "date", required: true },
      { path: `${prefix}.referenceStandard.name`, label: ["Standard", "Стандарт"] },
      { path: `${prefix}.referenceRegulation.name`, label: ["Technical regulation", "Технический регламент"] },
      {
        path: `${prefix}.referenceRegulation.jurisdictionCountry`,
        label: ["Regulation's country (ISO code)", "Страна регламента (код ISO)"],
        kind: "country",
      },
      {
        path: `${prefix}.conformityTopic`,
        label: ["Topic (e.g. product.safety)", "Тема (например, product.safety)"],
        required: true,
        value: "product.safety",
      },
      { path: `${prefix}.conformance`, label: ["Conforms", "Соответствует"], kind: "checkbox", value: true },
    ],
  },
  {
    legend: ["Product", "Продукция"],
    fields: [
      { path: `${prefix}.assessedProduct.0.product.name`, label: ["Product", "Продукция"], required: true },
      { path: `${prefix}.assessedProduct.0.product.modelNumber`, label: ["Model", "Модель"] },
      { path: `${prefix}.assessedProduct.0.product.batchNumber`, label: ["Batch", "Партия"] },
      { path: `${prefix}.assessedProduct.0.product.hsCode`, label: ["HS code", "Код ТН ВЭД"] },
      {
        path: `${prefix}.assessedProduct.0.IDverifiedByCAB`,
        label: ["Identity verified by the body", "Идентификация проверена органом"],
        kind: "checkbox",
        value: true,
      },
    ],
  },
];

const A = "credentialSubject.assessment.0";
const goods = "credentialSubject.goods.0";
const commodity = "credentialSubject.commodities.0";

/** Each certificate type's form. */
export const CREDENTIAL_SPECS: Record<CertificateTypeName, CredentialSpec> = {
  conformityCertificate: {
    fixed: [
      ["@context", [VC, UNTP_DCC]],
      ["type", ["VerifiableCredential", "DigitalConformityCredential"]],
      ["credentialSubject.type", ["ConformityAttestation", "Attestation"]],
      [`${A}.type`, ["ConformityAssessment"]],
    ],
    groups: [
      {
        legend: ["Certificate", "Сертификат"],
        fields: [
          { path: "credentialSubject.name", label: ["Title", "Наименование"], required: true },
          {
            path: "credentialSubject.attestationType",
            label: ["Kind of attestation", "Вид подтверждения"],
            kind: "select",
            options: ["certification", "declaration", "inspection", "verification", "validation"],
          },
          { path: "credentialSubject.scope.name", label: ["Assessment scheme", "Схема оценки"], required: true },
        ],
      },
      party("credentialSubject.issuedToParty", "Issued to", "Кому выдан", false),
      ...assessment(A),
    ],
  },
  testReport: {
    fixed: [
      ["@context", [VC, UNTP_DCC]],
      ["type", ["VerifiableCredential", "DigitalConformityCredential"]],
      ["credentialSubject.type", ["ConformityAttestation", "Attestation"]],
      ["credentialSubject.attestationType", "testing"],
      [`${A}.type`, ["ConformityAssessment"]],
    ],
    groups: [
      {
        legend: ["Test report", "Протокол"],
        fields: [{ path: "credentialSubject.name", label: ["Title", "Наименование"], required: true }],
      },
      party("credentialSubject.issuedToParty", "Issued to", "Кому выдан", false),
      ...assessment(A),
      {
        legend: ["Measured value", "Измеренное значение"],
        fields: [
          { path: `${A}.declaredValue.0.metricName`, label: ["What was measured", "Показатель"], required: true },
          { path: `${A}.declaredValue.0.metricValue.value`, label: ["Value", "Значение"], kind: "number", required: true },
          {
            path: `${A}.declaredValue.0.metricValue.unit`,
            label: ["Unit (UN/ECE code, e.g. KGM)", "Единица (код ЕЭК ООН, например KGM)"],
            required: true,
          },
        ],
      },
    ],
  },
  certificateOfOrigin: {
    fixed: [
      ["@context", [VC]],
      ["type", ["VerifiableCredential", "CertificateOfOriginCredential"]],
      ["credentialSubject.type", ["CertificateOfOrigin"]],
      [`${goods}.itemNumber`, 1],
    ],
    groups: [
      {
        legend: ["Certificate", "Сертификат"],
        fields: [
          { path: "credentialSubject.tradeAgreement", label: ["Trade agreement (e.g. CISFTA)", "Соглашение (например, СНГ ЗСТ)"] },
          { path: "credentialSubject.form", label: ["Form (e.g. CT-1)", "Форма (например, СТ-1)"] },
          { path: "credentialSubject.exportingCountry", label: ["Exporting country", "Страна экспорта"], kind: "country", required: true },
          { path: "credentialSubject.importingCountry", label: ["Importing country", "Страна импорта"], kind: "country", required: true },
          {
            path: "credentialSubject.countryOfOrigin",
            label: ["Country of origin", "Страна происхождения"],
            kind: "country",
            required: true,
          },
        ],
      },
      party("credentialSubject.exporter", "Exporter", "Экспортёр", true),
      party("credentialSubject.consignee", "Consignee", "Грузополучатель", true),
      {
        legend: ["Transport", "Транспорт"],
        fields: [
          { path: "credentialSubject.transport.mode", label: ["Mode", "Вид транспорта"], kind: "select", options: TRANSPORT_MODES },
          { path: "credentialSubject.transport.meansIdentifier", label: ["Vehicle / vessel", "Транспортное средство"] },
          { path: "credentialSubject.transport.departureDate", label: ["Departure", "Дата отправления"], kind: "date" },
        ],
      },
      {
        legend: ["Goods", "Товар"],
        fields: [
          { path: `${goods}.description`, label: ["Description", "Описание"], kind: "textarea", required: true },
          { path: `${goods}.hsCode`, label: ["HS code", "Код ТН ВЭД"], required: true },
          { path: `${goods}.originCriterion`, label: ["Origin criterion", "Критерий происхождения"], required: true },
          { path: `${goods}.quantity.value`, label: ["Quantity", "Количество"], kind: "number", required: true },
          { path: `${goods}.quantity.unit`, label: ["Unit (e.g. KGM)", "Единица (например, KGM)"], required: true, value: "KGM" },
        ],
      },
    ],
  },
  phytosanitaryCertificate: {
    fixed: [
      ["@context", [VC]],
      ["type", ["VerifiableCredential", "PhytosanitaryCertificateCredential"]],
      ["credentialSubject.type", ["PhytosanitaryCertificate"]],
    ],
    groups: [
      {
        legend: ["Plant protection organisations", "Организации по карантину растений"],
        fields: [
          { path: "credentialSubject.exportingNppo.name", label: ["Exporting NPPO", "НОКЗР страны экспорта"], required: true },
          {
            path: "credentialSubject.exportingNppo.countryCode",
            label: ["Exporting country", "Страна экспорта"],
            kind: "country",
            required: true,
          },
          {
            path: "credentialSubject.importingNppo.countryCode",
            label: ["Importing country", "Страна импорта"],
            kind: "country",
            required: true,
          },
          { path: "credentialSubject.inspectionDate", label: ["Inspection date", "Дата досмотра"], kind: "date", required: true },
        ],
      },
      party("credentialSubject.consignor", "Consignor", "Отправитель", true),
      party("credentialSubject.consignee", "Consignee", "Получатель", true),
      {
        legend: ["Conveyance", "Транспорт"],
        fields: [
          {
            path: "credentialSubject.declaredMeansOfConveyance.mode",
            label: ["Mode", "Вид транспорта"],
            kind: "select",
            options: TRANSPORT_MODES,
          },
          { path: "credentialSubject.declaredMeansOfConveyance.identifier", label: ["Vehicle / vessel", "Транспортное средство"] },
          { path: "credentialSubject.pointOfEntry", label: ["Point of entry", "Пункт ввоза"] },
        ],
      },
      {
        legend: ["Commodity", "Продукция"],
        fields: [
          { path: `${commodity}.description`, label: ["Description", "Описание"], required: true },
          { path: `${commodity}.botanicalName`, label: ["Botanical name", "Ботаническое название"], required: true },
          { path: `${commodity}.hsCode`, label: ["HS code", "Код ТН ВЭД"] },
          { path: `${commodity}.quantity.value`, label: ["Quantity", "Количество"], kind: "number", required: true },
          { path: `${commodity}.quantity.unit`, label: ["Unit (e.g. KGM)", "Единица (например, KGM)"], required: true, value: "KGM" },
          {
            path: `${commodity}.placeOfOrigin.countryCode`,
            label: ["Place of origin (country)", "Место происхождения (страна)"],
            kind: "country",
            required: true,
          },
        ],
      },
      {
        legend: ["Declaration", "Декларация"],
        fields: [
          {
            path: "credentialSubject.additionalDeclaration",
            label: ["Additional declaration", "Дополнительная декларация"],
            kind: "textarea",
          },
        ],
      },
    ],
  },
};
