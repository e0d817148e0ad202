/** The demonstration agency `npm start` creates on first run. Its name says plainly that it is not a real office. */
export const DEMO_AGENCY_ID = 'demo';

export const DEMO_AGENCY = {
  id: DEMO_AGENCY_ID,
  nameTh: 'สำนักงานตัวอย่างเพื่อการสาธิตระบบ',
  nameEn: 'ekasarn Demonstration Office',
  addressTh: 'ถนนพิษณุโลก แขวงดุสิต เขตดุสิต กรุงเทพมหานคร 10300',
};

export const DEMO_API_KEY_FILE = 'demo-api-key.txt';
