// The seed article (shared/seed/article.txt), copied here because the shared folder is not
// there at runtime. Text unchanged; only its structure is marked up.

export interface Block {
  kind: 'p' | 'h2' | 'figure'
  text: string
}

export const ARTICLE = {
  uri: '/2026/11/cartels',
  kicker: "Featured",
  headline: "The Trump administration is planning operations against the cartels in Mexico",
  published: '2026-11-27T09:30:00Z',
  blocks: [
    { kind: 'p', text: "The Trump administration has begun planning in detail a new mission: sending U.S. troops and intelligence officers to Mexico to target drug cartels there, according to two U.S. officials and two former senior U.S. officials with knowledge of the matter, NBC News reports." },
    { kind: 'figure', text: "Mexico" },
    { kind: 'p', text: "The first stages of training for a possible mission, which would include ground operations, have already begun, current US officials said. But a US deployment is not imminent, officials said. Discussions on the scope of a mission are ongoing and no final decision has been made, according to them." },
    { kind: 'p', text: "The troops would come largely from the Joint Special Operations Command (JS) and operate under the authority of the US intelligence community, the two current officials said. CIA officers would also attend." },
    { kind: 'p', text: "A possible US mission that would involve attacking drug cartels in Mexico would open a new front in President Donald Trump's military campaign against drug cartels in the Western Hemisphere. So far, the administration has focused on Venezuela and conducting attacks on boats suspected of carrying drugs." },
    { kind: 'p', text: "This would represent a break from the modus operandi of previous US administrations, which have quietly deployed CIA, military and law enforcement teams to Mexico to support local police and military units fighting the cartels, but without taking direct action against them." },
    { kind: 'p', text: "If the plan gets the go-ahead, the Trump administration plans to maintain secrecy around it and not publicize actions associated with it, such as recent airstrikes on suspected drug-smuggling boats, officials said." },
    { kind: 'p', text: "“The Trump administration is committed to using a whole-of-government approach to address the threats that cartels pose to American citizens,” a senior administration official said in comment on the revelations." },
    { kind: 'p', text: "According to the plans, US troops in Mexico will mainly use drone strikes to target drug labs, cartel members and leaders, the sources said. Some of the drones that special forces would use require operators on the ground to operate them effectively and safely, officials said." },
    { kind: 'h2', text: "The Trump administration has declared war on drug cartels" },
    { kind: 'p', text: "In February, the State Department designated six Mexican drug cartels, including MS-13 and the Venezuelan Tren de Aragua gang, as foreign terrorist organizations, giving US intelligence agencies and military units expanded powers to conduct espionage and covert operations targeting criminal networks. Trump publicly acknowledged earlier this month that he had authorized covert CIA action in Venezuela and suggested the US could launch ground attacks against drug cartels." },
    { kind: 'p', text: "NBC News reported back in April that the Trump administration was considering launching drone strikes against drug cartels in Mexico. Trump administration officials are still debating how aggressive to be in Mexico as part of their fight against drug cartels, according to two former U.S. officials and another former administration official with knowledge of the effort." },
    { kind: 'p', text: "After NBC's April report, Mexican President Claudia Sheinbaum addressed the issue in a press conference. “We reject any form of intervention or interference. This has been very clear, Mexico is coordinating and collaborating, but not subordinating,” she said, according to a translation provided by the Mexican Embassy in the US." },
    { kind: 'p', text: "The US administration would prefer to coordinate with the Mexican government on any new mission against drug cartels, but officials have not ruled out operating in its absence, sources told NBC News." },
    { kind: 'p', text: "Since September, Trump has overseen a military campaign against boats in waters off Venezuela that his administration says were intended to smuggle narcotics into the US. The Pentagon said 64 people, including members of the Tren de Aragua, were killed in 15 attacks on 16 boats in the Caribbean Sea and Pacific Ocean. Officials have not released names or other details about those killed." },
    { kind: 'p', text: "The US president said the attacks send a strong message to cartels that they will face the death penalty if they try to smuggle narcotics into the US. He called drug trafficking by gangs from Mexico, Venezuela and other countries a threat to national security, arguing that law enforcement methods — such as seizing narcotics at the U.S. border, at airports and at sea, and investigating cartel bosses and financiers — have failed to solve the problem that claims the lives of tens of thousands of Americans each year." },
    { kind: 'p', text: "Mexico's president has already allowed the CIA to expand surveillance flights that began during the Biden administration. Under his leadership, Mexico deployed 10,000 troops to the US border, increased fentanyl seizures, and extradited 55 top cartel figures to the US." },
    { kind: 'p', text: "Trump's public comments have suggested that the Mexican government is unable to control the cartels." },
    { kind: 'p', text: "“I have great respect for the president, a woman I think is extraordinary,” Trump said last month. “She's a very brave woman, but Mexico is run by the cartels.”" },
  ] as Block[],
  author: {
    handle: 'ashley-davis',
    name: "Ashley Davis",
    role: 'Editor',
    bio: "I’m Ashley Davis as an editor, I’m committed to upholding the highest standards of integrity and accuracy in every piece we publish. My work is driven by curiosity, a passion for truth, and a belief that journalism plays a crucial role in shaping public discourse. I strive to tell stories that not only inform but also inspire action and conversation.",
  },
}

/** "Related Articles" on the demo page: each is a short demo page with its own thread. */
export const RELATED = [
  {
    uri: '/2026/11/sheinbaum-cooperation-not-subordination',
    headline: 'Sheinbaum: Mexico will coordinate, "but not subordinate"',
    teaser: 'Mexico’s president repeats that her government rejects any form of intervention or interference.',
  },
  {
    uri: '/2026/10/caribbean-boat-strikes',
    headline: 'What we know about the strikes on boats in the Caribbean and the Pacific',
    teaser: 'The Pentagon has not released names or other details about those killed.',
  },
  {
    uri: '/2026/02/cartels-terrorist-designation',
    headline: 'Six cartels named foreign terrorist organizations: what changes',
    teaser: 'The designation gives intelligence agencies and military units expanded powers.',
  },
]
