// The member's guide to joint certificates and the FAQ, in Korean and English: content, not UI
// words. Facts and their sources: docs/certcenter-guide.md ("Sources"). Paths are shown as code.

export interface GuideSection {
  id: string;
  title: string;
  paragraphs: string[];
  /** Rows of a two-column list (label, value), e.g. where NPKI folders live. */
  rows?: [string, string][];
}

export interface FaqEntry {
  id: string;
  question: string;
  answer: string[];
}

export interface GuideContent {
  sections: GuideSection[];
  faq: FaqEntry[];
}

const npkiRowsKo: [string, string][] = [
  ["Windows", "%USERPROFILE%\\AppData\\LocalLow\\NPKI"],
  ["macOS", "~/Library/Preferences/NPKI"],
  ["Linux", "~/NPKI"],
  ["USB 메모리", "<드라이브>\\NPKI (예: E:\\NPKI)"],
];

const npkiRowsEn: [string, string][] = [
  ["Windows", "%USERPROFILE%\\AppData\\LocalLow\\NPKI"],
  ["macOS", "~/Library/Preferences/NPKI"],
  ["Linux", "~/NPKI"],
  ["USB stick", "<drive>\\NPKI (e.g. E:\\NPKI)"],
];

export const guideKo: GuideContent = {
  sections: [
    {
      id: "what",
      title: "공동인증서란",
      paragraphs: [
        "공동인증서는 인터넷에서 본인임을 증명하고 거래에 전자서명하는 인증서예요. 우리 금고에서는 로그인과 모든 이체에 써요.",
        "예전 이름은 공인인증서예요. 2020년 6월 9일 전부개정된 전자서명법(법률 제17354호)이 2020년 12월 10일 시행되면서 ‘공인’ 인증서 제도가 없어지고, 다른 전자서명과 법적 지위가 같아졌어요. 그 뒤로 금융결제원 등이 발급하던 인증서를 공동인증서라고 불러요. 파일 형식과 저장 위치는 그대로예요.",
      ],
    },
    {
      id: "cost",
      title: "비용",
      paragraphs: [
        "은행·보험·신용카드용 인증서는 무료예요.",
        "범용 인증서는 1년에 4,400원(부가가치세 포함)이에요. 정부·공공기관, 증권, 전자입찰 등 어디서나 쓸 수 있어요. 갱신할 때도 같은 수수료가 들고, 재발급은 무료예요.",
      ],
    },
    {
      id: "steps",
      title: "발급 순서",
      paragraphs: [
        "인터넷뱅킹에 로그인 → 인증센터 → 인증서 발급 → 약관 동의 → 용도 선택 → 본인 확인(주민등록번호, 계좌 비밀번호, OTP 또는 보안카드) → 인증서 비밀번호 설정 → 저장 위치 선택 → 완료.",
        "영업점에서 발급 안내서(참조번호, 인가코드)를 받았다면 인증센터 → 영업점 발급 안내서로 발급에서 두 번호를 입력하면 돼요.",
      ],
    },
    {
      id: "key",
      title: "개인키는 내 기기를 떠나지 않아요",
      paragraphs: [
        "서명에 쓰는 개인키는 발급할 때 이 브라우저 안에서 만들어지고, 인증서 비밀번호로 암호화된 채로만 저장돼요. 은행 서버에는 공개키만 가고, 개인키와 인증서 비밀번호는 가지 않아요.",
        "그래서 은행도 인증서 비밀번호를 알 수 없고 찾아 드릴 수도 없어요. 누군가 은행을 사칭해 인증서 비밀번호나 인증서 파일을 달라고 하면 응하지 마세요.",
      ],
    },
    {
      id: "where",
      title: "인증서 파일이 있는 곳 (NPKI 폴더)",
      paragraphs: [
        "하드디스크나 USB에 저장한 인증서는 NPKI 폴더 안의 NPKI/<인증기관>/USER/<사용자>/ 폴더에 signCert.der(인증서)와 signPri.key(개인키) 두 파일로 있어요. 보통 쓰이는 위치는 다음과 같아요.",
      ],
      rows: npkiRowsKo,
    },
    {
      id: "renew",
      title: "갱신과 만료",
      paragraphs: [
        "인증서는 1년 동안 써요. 만료 30일 전부터 만료일까지 갱신할 수 있고, 30일·7일·1일 전에 알림을 드려요.",
        "만료된 인증서는 갱신하거나 재발급할 수 없어요. 인증센터에서 새로 발급받아 주세요.",
      ],
    },
  ],
  faq: [
    {
      id: "cost",
      question: "인증서 발급에 돈이 드나요?",
      answer: ["은행·보험용은 무료예요. 범용은 1년에 4,400원(부가가치세 포함)이에요."],
    },
    {
      id: "devices",
      question: "여러 기기에서 쓰려면 어떻게 하나요?",
      answer: [
        "인증서를 하드디스크·USB에 저장하거나 .zip·.pfx로 받아 두면, 다른 컴퓨터의 인증서 선택창에서 그 폴더나 파일을 열어 쓸 수 있어요.",
        "복사본이 많을수록 잃어버릴 곳도 많아져요. 꼭 필요한 기기에만 두세요. 스마트폰으로 복사하는 기능은 준비 중이에요.",
      ],
    },
    {
      id: "forgot",
      question: "인증서 비밀번호를 잊었어요.",
      answer: [
        "은행도 인증서 비밀번호를 모르기 때문에 찾아 드릴 수 없어요. 인증센터 → 인증서 재발급에서 ‘비밀번호를 잊음’을 골라 다시 발급받아 주세요. 재발급은 무료이고, 새 인증서는 지금 인증서의 만료일까지 써요.",
      ],
    },
    {
      id: "tries",
      question: "비밀번호를 몇 번 틀리면 잠기나요?",
      answer: [
        "인증서 선택창은 한 번 열 때 3번까지 입력을 받아요. 창을 다시 열면 다시 시도할 수 있어요. 비밀번호가 맞는지는 이 기기에서 개인키를 풀어 보고 알아요.",
      ],
    },
    {
      id: "expired",
      question: "인증서가 만료됐어요.",
      answer: ["만료된 인증서는 갱신할 수 없어요. 인증센터 → 인증서 발급에서 새로 발급받아 주세요."],
    },
    {
      id: "lost",
      question: "인증서가 든 USB를 잃어버렸어요.",
      answer: ["인증센터 → 인증서 재발급에서 ‘분실’을 골라 재발급받으면 잃어버린 인증서는 바로 폐지돼요."],
    },
    {
      id: "name",
      question: "공인인증서와 공동인증서는 무엇이 다른가요?",
      answer: [
        "같은 인증서예요. 2020년 12월 10일 개정 전자서명법이 시행되면서 ‘공인’이라는 법적 지위가 없어져 이름만 공동인증서로 바뀌었어요. 이미 받은 인증서는 만료일까지 그대로 써요.",
      ],
    },
  ],
};

export const guideEn: GuideContent = {
  sections: [
    {
      id: "what",
      title: "What a joint certificate is",
      paragraphs: [
        "A joint certificate (공동인증서) proves who you are online and signs your transactions. Here you use it to log in and to sign every transfer.",
        "It used to be called an accredited certificate (공인인증서). The Electronic Signature Act, wholly amended on 9 June 2020 (Act No. 17354) and in force from 10 December 2020, ended the accredited-certificate system and gave all electronic signatures the same legal standing. Since then the certificates the banks' CAs issue are called joint certificates; their files and folders did not change.",
      ],
    },
    {
      id: "cost",
      title: "Cost",
      paragraphs: [
        "A certificate for banking, insurance and credit cards is free.",
        "A universal certificate costs 4,400 won a year (VAT included) and works everywhere: government services, securities, e-procurement. Renewing it costs the fee again; a reissue is free.",
      ],
    },
    {
      id: "steps",
      title: "Getting one, step by step",
      paragraphs: [
        "Log in → Certificates → Get a certificate → agree to the terms → choose its use → prove who you are (resident registration number, account PIN, OTP or security card) → set the certificate password → choose where to keep it → done.",
        "With a slip from a branch (reference number and authorisation code), go to Certificates → Get one with a branch slip and type the two.",
      ],
    },
    {
      id: "key",
      title: "Your private key never leaves your device",
      paragraphs: [
        "The private key that makes your signatures is generated inside this browser when the certificate is issued and is only ever stored encrypted under your certificate password. Only the public key goes to the bank; the private key and the password never do.",
        "So the bank cannot know or recover your certificate password. Never give your certificate password or files to anyone claiming to be the bank.",
      ],
    },
    {
      id: "where",
      title: "Where certificate files live (the NPKI folder)",
      paragraphs: [
        "A certificate kept on a disk or USB stick is two files, signCert.der (the certificate) and signPri.key (the key), in NPKI/<CA>/USER/<holder>/. The usual places are:",
      ],
      rows: npkiRowsEn,
    },
    {
      id: "renew",
      title: "Renewal and expiry",
      paragraphs: [
        "A certificate lasts one year. You can renew it from 30 days before expiry to the expiry day; we remind you 30, 7 and 1 days before.",
        "An expired certificate cannot be renewed or reissued: get a new one in the certificate centre.",
      ],
    },
  ],
  faq: [
    {
      id: "cost",
      question: "Does a certificate cost anything?",
      answer: [
        "Banking and insurance use is free. A universal certificate is 4,400 won a year (VAT included).",
      ],
    },
    {
      id: "devices",
      question: "How do I use it on several devices?",
      answer: [
        "Keep it on a disk or USB stick, or download it as a .zip or .pfx; on another computer, open that folder or file in the certificate window.",
        "Every copy is one more place to lose it: keep it only on the devices you need. Copying to a smartphone is coming.",
      ],
    },
    {
      id: "forgot",
      question: "I forgot my certificate password.",
      answer: [
        "The bank does not know it either, so it cannot be recovered. Go to Certificates → Reissue and choose “Password forgotten”. A reissue is free and runs to the current certificate's expiry.",
      ],
    },
    {
      id: "tries",
      question: "How many wrong passwords lock it?",
      answer: [
        "The certificate window takes three tries each time it opens; open it again to try again. The password is checked on this device, by trying to decrypt the key.",
      ],
    },
    {
      id: "expired",
      question: "My certificate expired.",
      answer: [
        "An expired certificate cannot be renewed. Get a new one under Certificates → Get a certificate.",
      ],
    },
    {
      id: "lost",
      question: "I lost the USB stick with my certificate.",
      answer: ["Reissue it with the reason “Lost”: the lost certificate is revoked at once."],
    },
    {
      id: "name",
      question: "What is the difference between 공인인증서 and 공동인증서?",
      answer: [
        "They are the same certificates. When the amended Electronic Signature Act came into force on 10 December 2020, the ‘accredited’ (공인) status ended and the name became ‘joint’ (공동). Certificates already issued stay valid until they expire.",
      ],
    },
  ],
};
