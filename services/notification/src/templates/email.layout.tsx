/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The frame every message shares: the shop's name at the top, a greeting, the message, a button to the page it is
 * about, and a footer saying why the reader got it. React Email's components render to e-mail-safe HTML (tables,
 * inline styles) and the same tree gives the plain-text part, so both always say the same thing.
 */
import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

export interface EmailLayoutProps {
  shopName: string;
  locale: string;
  /** The inbox's one-line preview. */
  preview: string;
  heading: string;
  /** Name to greet; null greets without one. */
  recipientName: string | null;
  action: { label: string; href: string };
  footer: string;
  children: ReactNode;
}

const styles = {
  body: { backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', color: '#1f2933' },
  container: { backgroundColor: '#ffffff', margin: '24px auto', padding: '24px', maxWidth: '560px' },
  shop: { fontSize: '14px', fontWeight: 'bold', letterSpacing: '0.04em', textTransform: 'uppercase' as const },
  heading: { fontSize: '22px', margin: '16px 0' },
  button: { backgroundColor: '#1f2933', color: '#ffffff', padding: '12px 20px', borderRadius: '4px' },
  footer: { fontSize: '12px', color: '#616e7c' },
};

export function EmailLayout(props: EmailLayoutProps) {
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.shop}>{props.shopName}</Text>
          <Heading as="h1" style={styles.heading}>
            {props.heading}
          </Heading>
          <Text>{props.recipientName ? `Hello ${props.recipientName},` : 'Hello,'}</Text>
          {props.children}
          <Section>
            <Button href={props.action.href} style={styles.button}>
              {props.action.label}
            </Button>
          </Section>
          <Hr />
          <Text style={styles.footer}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
