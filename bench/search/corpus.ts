import { randomUUID } from 'node:crypto';
import type { Actor, NewEvent } from '#event-store';
import { newEvent } from '../replay/tickets.js';

// A support corpus for the search bench: tickets of an RTC/live-streaming vendor, half written in Chinese and half
// in English (with the code-switching real tickets have: SDK names, platforms, error codes in Chinese text).

export const EN_WORDS = (
  'audio video echo noise latency jitter packet loss bitrate framerate resolution freeze stutter crash black screen ' +
  'reconnect disconnect timeout token expired join channel leave host audience broadcaster stream live push pull cdn ' +
  'recording playback mixing transcoding layout watermark beauty filter camera microphone speaker headset bluetooth ' +
  'volume mute unmute permission background foreground battery cpu memory leak thermal throttling decoder encoder ' +
  'hardware software codec opus h264 h265 vp8 vp9 av1 simulcast dual stream fallback network wifi cellular proxy ' +
  'firewall udp tcp port region dispatch server gateway sdk upgrade downgrade version release beta patch hotfix ' +
  'android ios windows macos linux web electron flutter unity react native harmony miniapp wechat device model ' +
  'samsung huawei xiaomi oppo vivo iphone ipad pixel chrome safari firefox edge screen share sharing whiteboard ' +
  'subtitle translation moderation billing invoice quota usage minutes concurrency spike peak holiday event concert ' +
  'classroom teacher student webinar conference interview dating gaming voice chatroom karaoke podcast radio ' +
  'sync desync drift lipsync delay buffer underrun overrun sample rate stereo mono aec agc ans howling clipping ' +
  'distortion robotic metallic choppy garbled silent one-way blank green pink artifacts blocky pixelated blurry ' +
  'rotation mirror orientation crop scale aspect ratio callback event listener exception stacktrace log upload ' +
  'reproduce steps intermittent always sometimes regression customer users complaint urgent production staging'
).split(' ');

export const ZH_WORDS = (
  '音频 视频 回声 噪音 延迟 卡顿 丢包 码率 帧率 分辨率 黑屏 花屏 崩溃 闪退 重连 断开 超时 令牌 过期 加入 频道 离开 ' +
  '主播 观众 连麦 直播 推流 拉流 录制 回放 混流 转码 布局 水印 美颜 滤镜 摄像头 麦克风 扬声器 耳机 蓝牙 音量 静音 ' +
  '权限 后台 前台 电量 内存 泄漏 发热 降频 解码 编码 硬件 软件 编解码 网络 弱网 代理 防火墙 端口 区域 调度 服务器 ' +
  '网关 升级 降级 版本 发布 补丁 安卓 苹果 设备 机型 屏幕 共享 白板 字幕 翻译 审核 计费 账单 配额 用量 分钟 并发 ' +
  '高峰 节假日 活动 演唱会 课堂 老师 学生 会议 面试 游戏 语音 聊天室 唱歌 播客 电台 同步 音画不同步 缓冲 采样率 ' +
  '立体声 单声道 回声消除 自动增益 降噪 啸叫 破音 失真 机械音 断断续续 杂音 单向 无声 绿屏 马赛克 模糊 旋转 镜像 ' +
  '横屏 竖屏 裁剪 缩放 回调 事件 异常 堆栈 日志 上传 复现 步骤 偶现 必现 回归 客户 用户 投诉 紧急 生产 测试 环境'
).split(' ');

const PLATFORMS = ['Android', 'iOS', 'Windows', 'macOS', 'Web', 'Flutter', 'Unity', 'Electron'];
const SDKS = ['RTC SDK', 'Live SDK', 'Web SDK', 'Signaling SDK', 'Recording SDK'];
const ERROR_CODES = ['17', '101', '109', '110', '1003', '1005', '1008', '1501', '2001', '4001'];

/** Zipf-like: low indexes are much more frequent, as word frequencies in real text are. */
function zipf(next: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * next() ** 2.2));
}

function words(next: () => number, chinese: boolean, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // Chinese tickets still name platforms and SDKs in Latin letters now and then.
    if (chinese && next() < 0.12) out.push(EN_WORDS[zipf(next, EN_WORDS.length)]!);
    else out.push(chinese ? ZH_WORDS[zipf(next, ZH_WORDS.length)]! : EN_WORDS[zipf(next, EN_WORDS.length)]!);
  }
  // Chinese is written without spaces, with a comma now and then.
  return chinese ? out.map((w, i) => (i > 0 && i % 6 === 0 ? `，${w}` : w)).join('') : out.join(' ');
}

export interface GeneratedTicket {
  ticketId: string;
  accountId: string;
  events: NewEvent[];
}

/** One ticket's life: opened, two or three replies (one in five internal), resolved four times in ten. */
export function generateTicket(next: () => number, index: number, accounts: number, openedAt: number): GeneratedTicket {
  const ticketId = randomUUID();
  const accountId = `acct-${(index % accounts).toString().padStart(4, '0')}`;
  const chinese = next() < 0.5;
  const customer: Actor = { id: `customer-${accountId}`, role: 'CUSTOMER' };
  const engineer: Actor = { id: `eng-${index % 60}`, role: 'ENGINEER' };
  const at = (minutes: number) => new Date(openedAt + minutes * 60_000).toISOString();
  const events: NewEvent[] = [
    newEvent(
      'TicketOpened',
      {
        ticketId,
        accountId,
        channel: next() < 0.5 ? 'PORTAL' : 'EMAIL',
        subject: words(next, chinese, 3 + Math.floor(next() * 5)),
        description: words(next, chinese, 20 + Math.floor(next() * 50)),
        claimedSeverity: (['P0', 'P1', 'P2', 'P3'] as const)[Math.floor(next() * 4)],
        diagnostics: {
          sdkName: SDKS[Math.floor(next() * SDKS.length)]!,
          sdkVersion: `${3 + Math.floor(next() * 2)}.${Math.floor(next() * 6)}.${Math.floor(next() * 10)}`,
          platform: PLATFORMS[Math.floor(next() * PLATFORMS.length)]!,
          osVersion: null,
          deviceModel: null,
          networkType: null,
          errorCode: next() < 0.6 ? ERROR_CODES[Math.floor(next() * ERROR_CODES.length)]! : null,
          reproSteps: next() < 0.3 ? words(next, chinese, 10) : null,
          logUrls: [],
        },
        externalId: null,
        receivedAt: at(0),
        openedBy: customer,
        openedAt: at(0),
      },
      openedAt,
      customer,
    ),
  ];
  const replies = 2 + Math.floor(next() * 2);
  for (let r = 0; r < replies; r++) {
    const staff = r % 2 === 0;
    const internal = staff && next() < 0.2;
    events.push(
      newEvent(
        'ReplyAdded',
        {
          ticketId,
          replyId: randomUUID(),
          body: words(next, chinese, 10 + Math.floor(next() * 25)),
          visibility: internal ? 'INTERNAL' : 'PUBLIC',
          side: staff ? 'STAFF' : 'CUSTOMER',
          requestsInformation: false,
          externalId: null,
          author: staff ? engineer : customer,
          addedAt: at(30 * (r + 1)),
        },
        openedAt + 30 * (r + 1) * 60_000,
        staff ? engineer : customer,
      ),
    );
  }
  if (next() < 0.4) {
    events.push(
      newEvent('TicketResolved', { ticketId, resolution: words(next, chinese, 8), rootCause: next() < 0.5 ? words(next, chinese, 4) : null, resolvedBy: engineer, resolvedAt: at(240) }, openedAt + 240 * 60_000, engineer),
    );
  }
  return { ticketId, accountId, events };
}

/** A two-word query as support staff type one: two words of one language, each drawn uniformly from its vocabulary. */
export function twoWordQuery(next: () => number): { query: string; chinese: boolean } {
  const chinese = next() < 0.5;
  const vocabulary = chinese ? ZH_WORDS : EN_WORDS;
  const a = vocabulary[Math.floor(next() * vocabulary.length)]!;
  let b = vocabulary[Math.floor(next() * vocabulary.length)]!;
  while (b === a) b = vocabulary[Math.floor(next() * vocabulary.length)]!;
  return { query: `${a} ${b}`, chinese };
}
