/******************************************************************************
 * This file was generated from grammar/policy/parser.ts by generateCstDts
 * (UPDATE_GOLDEN=1 npx ava test/grammar/policy.test.ts rewrites it).
 * DO NOT EDIT MANUALLY!
 ******************************************************************************/
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface RuleStatementCstNode extends CstNode {
  name: "ruleStatement";
  children: RuleStatementCstChildren;
}

export type RuleStatementCstChildren = {
  InternalMarker?: IToken[];
  Rule: IToken[];
  ruleId: IToken[];
  At?: IToken[];
  position?: IToken[];
  direction: DirectionCstNode[];
  addressFamily?: AddressFamilyCstNode[];
  match: MatchCstNode[];
  From: IToken[];
  src: EndpointCstNode[];
  Port?: (IToken)[];
  srcPorts?: PortSpecCstNode[];
  To: IToken[];
  dst: EndpointCstNode[];
  dstPorts?: PortSpecCstNode[];
  extension?: ExtensionCstNode[];
  action: ActionCstNode[];
  ruleOption?: RuleOptionCstNode[];
  Semicolon: IToken[];
};

export interface DirectionCstNode extends CstNode {
  name: "direction";
  children: DirectionCstChildren;
}

export type DirectionCstChildren = {
  Inout?: IToken[];
  In?: IToken[];
  Out?: IToken[];
};

export interface AddressFamilyCstNode extends CstNode {
  name: "addressFamily";
  children: AddressFamilyCstChildren;
}

export type AddressFamilyCstChildren = {
  Inet?: IToken[];
  Inet6?: IToken[];
};

export interface MatchCstNode extends CstNode {
  name: "match";
  children: MatchCstChildren;
}

export type MatchCstChildren = {
  protocolMatch?: ProtocolMatchCstNode[];
  ethertypeMatch?: EthertypeMatchCstNode[];
};

export interface ProtocolMatchCstNode extends CstNode {
  name: "protocolMatch";
  children: ProtocolMatchCstChildren;
}

export type ProtocolMatchCstChildren = {
  Protocol: IToken[];
  protocolValue: ProtocolValueCstNode[];
  protocolModifier?: (ProtocolModifierCstNode)[];
  With?: IToken[];
  LCurly?: IToken[];
  Comma?: IToken[];
  RCurly?: IToken[];
};

export interface ProtocolModifierCstNode extends CstNode {
  name: "protocolModifier";
  children: ProtocolModifierCstChildren;
}

export type ProtocolModifierCstChildren = {
  Strict?: IToken[];
  Stateless?: IToken[];
  icmpSpec?: IcmpSpecCstNode[];
};

export interface ProtocolValueCstNode extends CstNode {
  name: "protocolValue";
  children: ProtocolValueCstChildren;
}

export type ProtocolValueCstChildren = {
  Name?: IToken[];
  Integer?: IToken[];
  Any?: IToken[];
  Ip?: IToken[];
};

export interface IcmpSpecCstNode extends CstNode {
  name: "icmpSpec";
  children: IcmpSpecCstChildren;
}

export type IcmpSpecCstChildren = {
  Icmptype?: IToken[];
  icmpType?: (IToken)[];
  Typecode?: IToken[];
  Colon?: IToken[];
  icmpCode?: IToken[];
};

export interface EthertypeMatchCstNode extends CstNode {
  name: "ethertypeMatch";
  children: EthertypeMatchCstChildren;
}

export type EthertypeMatchCstChildren = {
  Ethertype: IToken[];
  Any?: IToken[];
  Name?: IToken[];
  HexNumber?: IToken[];
  Integer?: IToken[];
  Stateless?: IToken[];
};

export interface EndpointCstNode extends CstNode {
  name: "endpoint";
  children: EndpointCstChildren;
}

export type EndpointCstChildren = {
  Any?: IToken[];
  Not?: IToken[];
  endpointTarget?: (EndpointTargetCstNode)[];
};

export interface EndpointTargetCstNode extends CstNode {
  name: "endpointTarget";
  children: EndpointTargetCstChildren;
}

export type EndpointTargetCstChildren = {
  Addrset?: IToken[];
  addrsetName?: AddrsetNameCstNode[];
  inlineSet?: InlineSetCstNode[];
  Ip?: IToken[];
  addressValue?: AddressValueCstNode[];
};

export interface AddrsetNameCstNode extends CstNode {
  name: "addrsetName";
  children: AddrsetNameCstChildren;
}

export type AddrsetNameCstChildren = {
  Name?: IToken[];
  Uuid?: IToken[];
};

export interface InlineSetCstNode extends CstNode {
  name: "inlineSet";
  children: InlineSetCstChildren;
}

export type InlineSetCstChildren = {
  LCurly: IToken[];
  addressValue: (AddressValueCstNode)[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface AddressValueCstNode extends CstNode {
  name: "addressValue";
  children: AddressValueCstChildren;
}

export type AddressValueCstChildren = {
  IPv4?: IToken[];
  IPv6?: IToken[];
  MacAddress?: IToken[];
  Uuid?: IToken[];
  Name?: IToken[];
};

export interface PortSpecCstNode extends CstNode {
  name: "portSpec";
  children: PortSpecCstChildren;
}

export type PortSpecCstChildren = {
  portItem?: (PortItemCstNode)[];
  LCurly?: IToken[];
  Comma?: IToken[];
  RCurly?: IToken[];
};

export interface PortItemCstNode extends CstNode {
  name: "portItem";
  children: PortItemCstChildren;
}

export type PortItemCstChildren = {
  lo: IToken[];
  Dash?: IToken[];
  hi?: IToken[];
};

export interface ExtensionCstNode extends CstNode {
  name: "extension";
  children: ExtensionCstChildren;
}

export type ExtensionCstChildren = {
  With: IToken[];
  Extended?: IToken[];
  Src?: (IToken)[];
  Uuid?: (IToken)[];
  Name?: (IToken)[];
  Attribute?: IToken[];
  Addrset?: IToken[];
  Profile?: IToken[];
  clause?: IToken[];
  Integer?: IToken[];
  IPv4?: IToken[];
  IPv6?: IToken[];
};

export interface ActionCstNode extends CstNode {
  name: "action";
  children: ActionCstChildren;
}

export type ActionCstChildren = {
  Accept?: IToken[];
  Allow?: IToken[];
  Drop?: IToken[];
  Reject?: IToken[];
  Pass?: IToken[];
  Punt?: IToken[];
};

export interface RuleOptionCstNode extends CstNode {
  name: "ruleOption";
  children: RuleOptionCstChildren;
}

export type RuleOptionCstChildren = {
  With?: IToken[];
  Log?: IToken[];
  As?: IToken[];
  alg?: IToken[];
  Tag?: IToken[];
  QuotedString?: IToken[];
};

export interface PolicyFileCstNode extends CstNode {
  name: "policyFile";
  children: PolicyFileCstChildren;
}

export type PolicyFileCstChildren = {
  statement?: StatementCstNode[];
};

export interface StatementCstNode extends CstNode {
  name: "statement";
  children: StatementCstChildren;
}

export type StatementCstChildren = {
  modelDecl?: ModelDeclCstNode[];
  tierDecl?: TierDeclCstNode[];
  filterDecl?: FilterDeclCstNode[];
  groupDecl?: GroupDeclCstNode[];
  excludeDecl?: ExcludeDeclCstNode[];
  policyDecl?: PolicyDeclCstNode[];
};

export interface ModelDeclCstNode extends CstNode {
  name: "modelDecl";
  children: ModelDeclCstChildren;
}

export type ModelDeclCstChildren = {
  Model: IToken[];
  family: IToken[];
};

export interface TierDeclCstNode extends CstNode {
  name: "tierDecl";
  children: TierDeclCstChildren;
}

export type TierDeclCstChildren = {
  Tier: IToken[];
  tierName: IToken[];
  Priority: IToken[];
  numberValue: NumberValueCstNode[];
};

export interface FilterDeclCstNode extends CstNode {
  name: "filterDecl";
  children: FilterDeclCstChildren;
}

export type FilterDeclCstChildren = {
  Filter: IToken[];
  filterId: WordCstNode[];
  filterAttr?: FilterAttrCstNode[];
};

export interface FilterAttrCstNode extends CstNode {
  name: "filterAttr";
  children: FilterAttrCstChildren;
}

export type FilterAttrCstChildren = {
  Hash?: IToken[];
  hash?: ObjectRefCstNode[];
  NameKw?: IToken[];
  filterName?: WordCstNode[];
  Vm?: IToken[];
  vmName?: WordCstNode[];
  ipList?: IpListCstNode[];
  labelMap?: LabelMapCstNode[];
};

export interface GroupDeclCstNode extends CstNode {
  name: "groupDecl";
  children: GroupDeclCstChildren;
}

export type GroupDeclCstChildren = {
  Group: IToken[];
  groupName?: (IToken)[];
  LCurly: IToken[];
  groupMember?: GroupMemberCstNode[];
  Semicolon?: IToken[];
  RCurly: IToken[];
};

export interface GroupMemberCstNode extends CstNode {
  name: "groupMember";
  children: GroupMemberCstChildren;
}

export type GroupMemberCstChildren = {
  ipList?: IpListCstNode[];
  labelMap?: LabelMapCstNode[];
  Members?: IToken[];
  objectRef?: (ObjectRefCstNode)[];
  Comma?: IToken[];
};

export interface IpListCstNode extends CstNode {
  name: "ipList";
  children: IpListCstChildren;
}

export type IpListCstChildren = {
  Ip: IToken[];
  ipEntry: (IpEntryCstNode)[];
  Comma?: IToken[];
};

export interface IpEntryCstNode extends CstNode {
  name: "ipEntry";
  children: IpEntryCstChildren;
}

export type IpEntryCstChildren = {
  block: IpValueCstNode[];
  Except?: IToken[];
  except?: IpValueCstNode[];
};

export interface IpValueCstNode extends CstNode {
  name: "ipValue";
  children: IpValueCstChildren;
}

export type IpValueCstChildren = {
  IPv4?: IToken[];
  IPv6?: IToken[];
};

export interface ExcludeDeclCstNode extends CstNode {
  name: "excludeDecl";
  children: ExcludeDeclCstChildren;
}

export type ExcludeDeclCstChildren = {
  Exclude: IToken[];
  objectRef: (ObjectRefCstNode)[];
  Comma?: IToken[];
};

export interface PolicyDeclCstNode extends CstNode {
  name: "policyDecl";
  children: PolicyDeclCstChildren;
}

export type PolicyDeclCstChildren = {
  Policy: IToken[];
  policyName: WordCstNode[];
  policyAttr?: PolicyAttrCstNode[];
  LCurly: IToken[];
  ruleStatement?: RuleStatementCstNode[];
  RCurly: IToken[];
};

export interface PolicyAttrCstNode extends CstNode {
  name: "policyAttr";
  children: PolicyAttrCstChildren;
}

export type PolicyAttrCstChildren = {
  Tier?: IToken[];
  tierName?: IToken[];
  Priority?: IToken[];
  numberValue?: NumberValueCstNode[];
  AppliedTo?: IToken[];
  target?: (TargetCstNode)[];
  Comma?: IToken[];
};

export interface TargetCstNode extends CstNode {
  name: "target";
  children: TargetCstChildren;
}

export type TargetCstChildren = {
  Any?: IToken[];
  objectRef?: ObjectRefCstNode[];
};

export interface ObjectRefCstNode extends CstNode {
  name: "objectRef";
  children: ObjectRefCstChildren;
}

export type ObjectRefCstChildren = {
  Integer?: IToken[];
  hexTail?: IToken[];
  Name?: IToken[];
  Uuid?: IToken[];
  QuotedString?: IToken[];
};

export interface WordCstNode extends CstNode {
  name: "word";
  children: WordCstChildren;
}

export type WordCstChildren = {
  Name?: IToken[];
  QuotedString?: IToken[];
};

export interface NumberValueCstNode extends CstNode {
  name: "numberValue";
  children: NumberValueCstChildren;
}

export type NumberValueCstChildren = {
  Integer?: IToken[];
  Decimal?: IToken[];
};

export interface LabelMapCstNode extends CstNode {
  name: "labelMap";
  children: LabelMapCstChildren;
}

export type LabelMapCstChildren = {
  Labels: IToken[];
  LCurly: IToken[];
  labelPair?: (LabelPairCstNode)[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface LabelPairCstNode extends CstNode {
  name: "labelPair";
  children: LabelPairCstChildren;
}

export type LabelPairCstChildren = {
  key: LabelWordCstNode[];
  Colon: IToken[];
  value: LabelWordCstNode[];
};

export interface LabelWordCstNode extends CstNode {
  name: "labelWord";
  children: LabelWordCstChildren;
}

export type LabelWordCstChildren = {
  QuotedString?: IToken[];
  Decimal?: IToken[];
  Model?: IToken[];
  Tier?: IToken[];
  Priority?: IToken[];
  Filter?: IToken[];
  Hash?: IToken[];
  NameKw?: IToken[];
  Vm?: IToken[];
  Labels?: IToken[];
  Group?: IToken[];
  Members?: IToken[];
  Except?: IToken[];
  Exclude?: IToken[];
  Policy?: IToken[];
  AppliedTo?: IToken[];
  Allow?: IToken[];
  Pass?: IToken[];
  Rule?: IToken[];
  At?: IToken[];
  Inout?: IToken[];
  Inet6?: IToken[];
  Inet?: IToken[];
  In?: IToken[];
  Out?: IToken[];
  Protocol?: IToken[];
  Ethertype?: IToken[];
  Strict?: IToken[];
  Stateless?: IToken[];
  Icmptype?: IToken[];
  Typecode?: IToken[];
  From?: IToken[];
  To?: IToken[];
  Port?: IToken[];
  Any?: IToken[];
  Addrset?: IToken[];
  Ip?: IToken[];
  Not?: IToken[];
  With?: IToken[];
  Log?: IToken[];
  Extended?: IToken[];
  Src?: IToken[];
  Attribute?: IToken[];
  Profile?: IToken[];
  As?: IToken[];
  Tag?: IToken[];
  Accept?: IToken[];
  Drop?: IToken[];
  Reject?: IToken[];
  Punt?: IToken[];
  Name?: IToken[];
  Integer?: IToken[];
};
